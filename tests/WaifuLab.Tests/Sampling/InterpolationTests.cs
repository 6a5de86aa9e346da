using WaifuLab.Sampling;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Sampling;

public class InterpolationTests
{
    [Fact]
    public void Slerp_starts_and_ends_at_the_endpoints_and_keeps_the_norm_of_equal_norm_vectors()
    {
        var g = new TorchSharp.torch.Generator(3);
        using var a = randn(100, generator: g);
        using var b0 = randn(100, generator: g);
        using var b = b0 / b0.norm() * a.norm();
        using var path = Interpolation.Slerp(a, b, 9);
        Assert.Equal(new long[] { 9, 100 }, path.shape);
        Assert.True(path[0].allclose(a, 1e-5, 1e-5));
        Assert.True(path[8].allclose(b, 1e-5, 1e-5));
        var norms = path.norm(1).data<float>().ToArray();
        float expected = a.norm().item<float>();
        Assert.All(norms, n => Assert.Equal(expected, n, 3));
        // A straight line between the same points dips towards the origin; slerp does not.
        using var line = Interpolation.Lerp(a, b, 9);
        Assert.True(line[4].norm().item<float>() < expected * 0.9f);
    }

    [Fact]
    public void Lerp_moves_linearly_and_mismatched_sizes_are_refused()
    {
        using var a = zeros(3);
        using var b = tensor(new float[] { 1, 2, 4 });
        using var path = Interpolation.Lerp(a, b, 5);
        Assert.Equal(new float[] { 0.5f, 1f, 2f }, path[2].data<float>().ToArray());
        using var c = zeros(4);
        var e = Assert.Throws<ArgumentException>(() => Interpolation.Slerp(a, c, 3));
        Assert.Contains("3 and 4", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Interpolation.Lerp(a, b, 1));
    }
}
