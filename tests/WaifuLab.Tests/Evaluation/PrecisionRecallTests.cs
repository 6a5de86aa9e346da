using WaifuLab.Evaluation;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Evaluation;

public class PrecisionRecallTests
{
    [Fact]
    public void Same_distribution_gives_high_precision_and_recall_and_disjoint_ones_zero()
    {
        var g = new Generator(4);
        using var real = randn(500, 8, generator: g);
        using var fake = randn(500, 8, generator: g);
        using var far = randn(500, 8, generator: g) + 20;

        var same = PrecisionRecall.Compute(real, fake, k: 3);
        Assert.InRange(same.Precision, 0.8, 1.0);
        Assert.InRange(same.Recall, 0.8, 1.0);
        var disjoint = PrecisionRecall.Compute(real, far, k: 3);
        Assert.Equal(0, disjoint.Precision);
        Assert.Equal(0, disjoint.Recall);
    }

    [Fact]
    public void A_collapsed_generator_keeps_precision_but_loses_recall()
    {
        var g = new Generator(9);
        using var real = randn(400, 4, generator: g);
        // Every fake sample near one real mode: realistic (inside the real manifold) but covering little of it.
        using var collapsed = randn(400, 4, generator: g) * 0.05;
        var pr = PrecisionRecall.Compute(real, collapsed, k: 3);
        Assert.True(pr.Precision > 0.9, $"precision {pr.Precision}");
        Assert.True(pr.Recall < 0.2, $"recall {pr.Recall}");
    }
}
