using WaifuLab.Imaging;
using WaifuLab.Projection;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Projection;

public sealed class ProjectionTargetTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("waifulab-projection-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    string Png(int w, int h)
    {
        using var image = linspace(-1, 1, 3 * w * h).reshape(3, h, w);
        var path = Path.Combine(dir, $"face-{w}x{h}.png");
        TensorImage.ToPng(image).Save(path);
        return path;
    }

    [Fact]
    public void Missing_paths_folders_and_non_images_get_clear_errors()
    {
        var missing = Path.Combine(dir, "nope.png");
        var e = Assert.Throws<FileNotFoundException>(() => ProjectionTarget.Load(missing, 16));
        Assert.Contains(missing, e.Message);
        e = Assert.Throws<FileNotFoundException>(() => ProjectionTarget.Load(dir, 16));
        Assert.Contains("folder", e.Message);
        var text = Path.Combine(dir, "notes.png");
        File.WriteAllText(text, "not an image");
        var bad = Assert.Throws<InvalidDataException>(() => ProjectionTarget.Load(text, 16));
        Assert.Contains("not a readable image", bad.Message);
        Assert.Throws<InvalidDataException>(() => ProjectionTarget.Load(text, 16, resize: false));
    }

    [Fact]
    public void An_image_of_another_size_is_refused_without_resizing_and_cropped_and_resized_with_it()
    {
        var path = Png(40, 24);
        var e = Assert.Throws<ArgumentException>(() => ProjectionTarget.Load(path, 16, resize: false));
        Assert.Contains("40x24", e.Message);
        Assert.Contains("16x16", e.Message);
        Assert.Contains("--resize", e.Message);
        using var resized = ProjectionTarget.Load(path, 16);
        Assert.Equal(new long[] { 3, 16, 16 }, resized.shape);
        Assert.InRange(resized.min().item<float>(), -1f, 1f);
        Assert.InRange(resized.max().item<float>(), -1f, 1f);
    }

    [Fact]
    public void An_image_at_the_generators_size_loads_exactly_either_way()
    {
        var path = Png(16, 16);
        using var exact = ProjectionTarget.Load(path, 16, resize: false);
        using var viaDecoder = ProjectionTarget.Load(path, 16);
        using var original = TensorImage.Load(path);
        Assert.True(exact.allclose(original, 0, 0));
        Assert.True(viaDecoder.allclose(original, 1e-6, 1e-6));
        using var batch = ProjectionTarget.Prepare(exact, 16);
        Assert.Equal(new long[] { 1, 3, 16, 16 }, batch.shape);
    }
}
