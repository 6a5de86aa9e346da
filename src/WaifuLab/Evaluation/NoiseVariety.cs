using WaifuLab.Conditional;
using WaifuLab.Data.Synthetic;
using WaifuLab.Imaging;
using WaifuLab.Training;
using static TorchSharp.torch;

namespace WaifuLab.Evaluation;

/// <summary>
/// How much a conditional G uses its noise: the mean absolute pixel difference (images in [-1, 1]) between two faces
/// drawn for the same condition with two noise vectors, over <c>count</c> conditions from the data's label rows. 0 means
/// G ignores z (conditional mode collapse), which neither attribute accuracy nor a label-feature FID sees.
/// <see cref="BuiltInReference"/> gives the same figure for the built-in faces: two drawings of the same attributes
/// with two draws of everything the labels do not describe (background, skin, clothes, pose, scale).
/// </summary>
public static class NoiseVariety
{
    public static double Measure(GanTrainer trainer, int count, long seed)
    {
        if (!trainer.IsConditional || trainer.Labels is null)
            throw new ArgumentException("noise variety is measured for a conditional run (same condition, two noise vectors); this one is unconditional", nameof(trainer));
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var pool = trainer.ConditionPool ?? throw new InvalidOperationException("the run has no condition rows yet: train it or load a checkpoint");
        const int batch = 100;
        double sum = 0;
        for (int done = 0; done < count; done += batch)
        {
            int n = Math.Min(batch, count - done);
            using var scope = NewDisposeScope();
            var c = AttributeRequest.Fill(AttributeRequest.None(trainer.Labels), pool, n, seed + done);
            using var gen = new Generator((ulong)(seed + 1_000_000 + done));
            var z1 = randn([n, trainer.Options.Model.Nz], generator: gen);
            var z2 = randn([n, trainer.Options.Model.Nz], generator: gen);
            sum += trainer.Generate(z1, c).sub(trainer.Generate(z2, c)).abs().mean([1, 2, 3]).sum().item<float>();
        }
        return sum / count;
    }

    /// <summary>The same figure for the built-in faces at <paramref name="size"/> px: each of <paramref name="count"/> faces drawn twice with its attributes and two nuisance draws.</summary>
    public static double BuiltInReference(int count, int size, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var sampler = new FaceSampler(seed);
        double sum = 0;
        for (int i = 0; i < count; i++)
        {
            var face = sampler.Attributes(i);
            using var a = Draw(face, sampler.Nuisance(i, face.Hair), size);
            using var b = Draw(face, sampler.Nuisance(count + i, face.Hair), size);
            using var d = a.sub(b).abs().mean();
            sum += d.item<float>();
        }
        return sum / count;
    }

    static Tensor Draw(FaceAttributes face, FaceNuisance nuisance, int size)
    {
        using var bitmap = FaceRenderer.Render(face, nuisance, size);
        return TensorImage.FromBitmap(bitmap);
    }
}
