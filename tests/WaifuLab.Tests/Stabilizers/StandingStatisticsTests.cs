using TorchSharp;
using WaifuLab.Stabilizers;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Stabilizers;

public class StandingStatisticsTests
{
    [Fact]
    public void Running_statistics_become_the_plain_mean_over_the_batches_and_the_model_is_left_as_it_was()
    {
        var conv = nn.Conv2d(2, 3, 1);
        var bn = nn.BatchNorm2d(3);
        using var model = nn.Sequential(("conv", conv), ("bn", bn));
        model.eval();
        using var gen = new Generator(5, CPU);
        // Three batches of different scale: an exponential average (momentum 0.1) would remember mostly the last one.
        var batches = Enumerable.Range(0, 3).Select(k => randn([8, 2, 4, 4], generator: gen).mul(k + 1).add(k)).ToArray();
        using var weight = bn.weight.detach().clone();

        StandingStatistics.Recompute(model, batches.Length, k => model.forward(batches[k]));

        using (no_grad())
        {
            var features = batches.Select(b => conv.forward(b)).ToArray();
            using var meanOfMeans = stack(features.Select(f => f.mean([0, 2, 3])).ToArray()).mean([0]);
            using var meanOfVars = stack(features.Select(f => f.var([0, 2, 3])).ToArray()).mean([0]); // unbiased, as BatchNorm keeps it
            Assert.True(bn.running_mean!.allclose(meanOfMeans, rtol: 1e-5, atol: 1e-6), "running mean is not the mean of the batch means");
            Assert.True(bn.running_var!.allclose(meanOfVars, rtol: 1e-5, atol: 1e-6), "running variance is not the mean of the batch variances");
        }
        Assert.False(model.training);
        Assert.Equal(0.1, bn.momentum);
        Assert.True(bn.weight.detach().eq(weight).all().item<bool>());
        Assert.Throws<ArgumentOutOfRangeException>(() => StandingStatistics.Recompute(model, 0, _ => { }));
        foreach (var b in batches) b.Dispose();
    }
}
