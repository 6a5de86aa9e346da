using WaifuLab.Data;
using WaifuLab.Data.Synthetic;
using WaifuLab.Imaging;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Evaluation;

/// <summary>The built-in synthetic faces drawn straight into memory (no PNG round trip), with their exact labels.</summary>
static class BuiltInFaces
{
    /// <summary>Faces <paramref name="first"/> .. first+count-1 of the built-in sequence for <paramref name="seed"/>, at <paramref name="size"/> px.</summary>
    public static ImageDataset Make(int first, int count, int size = 32, int seed = 1)
    {
        var images = new Tensor[count];
        var labels = new float[count][];
        Parallel.For(0, count, i =>
        {
            var (face, nuisance) = SyntheticFaces.Sample(seed, first + i);
            using var bitmap = FaceRenderer.Render(face, nuisance, size);
            images[i] = TensorImage.FromBitmap(bitmap).DetachFromDisposeScope();
            labels[i] = SyntheticFaces.Schema.Encode(face.ToLabels());
        });
        var stacked = stack(images);
        foreach (var t in images) t.Dispose();
        var conditions = tensor(labels.SelectMany(l => l).ToArray(), [count, SyntheticFaces.Schema.Width]);
        return new ImageDataset(stacked, conditions, $"built-in faces {first}..{first + count - 1} ({size} px, seed {seed})");
    }
}
