using TorchSharp;
using WaifuLab.Stabilizers;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Stabilizers;

public class EmaTests
{
    [Fact]
    public void One_update_gives_beta_times_old_plus_one_minus_beta_times_new()
    {
        using var model = nn.Linear(3, 2);
        using var shadow = nn.Linear(3, 2);
        var ema = new Ema(model, shadow, beta: 0.9);
        using var old = model.weight.detach().clone();
        Assert.True(TinyGan.Same(shadow.weight.detach(), old)); // starts as a copy
        Assert.False(shadow.weight.requires_grad);
        using (no_grad()) model.weight.add_(1.0);
        ema.Update();
        using var expected = old * 0.9 + model.weight.detach() * 0.1;
        Assert.True(shadow.weight.detach().allclose(expected, 1e-6, 1e-6));
        Assert.Equal(1, ema.Updates);
    }

    [Fact]
    public void Rampup_starts_with_a_short_memory_and_mismatched_shadows_are_refused()
    {
        using var model = nn.Linear(3, 2);
        var ema = new Ema(model, nn.Linear(3, 2), beta: 0.999, rampup: true);
        Assert.Equal(0.1, ema.CurrentBeta, 12);
        ema.Update();
        Assert.Equal(2.0 / 11, ema.CurrentBeta, 12);
        var e = Assert.Throws<ArgumentException>(() => new Ema(model, nn.Linear(4, 2)));
        Assert.Contains("same architecture", e.Message);
        Assert.Throws<ArgumentException>(() => new Ema(model, model));
    }

    [Fact]
    public void Standing_statistics_are_recomputed_once_after_each_change_of_the_weights()
    {
        using var model = nn.Sequential(("conv", nn.Conv2d(1, 2, 1)), ("bn", nn.BatchNorm2d(2)));
        using var shadow = nn.Sequential(("conv", nn.Conv2d(1, 2, 1)), ("bn", nn.BatchNorm2d(2)));
        var ema = new Ema(model, shadow, beta: 0.9);
        int calls = 0;
        void Forward(int _) { calls++; using var x = randn(4, 1, 3, 3); using var y = shadow.call(x); }
        Assert.True(ema.StatisticsStale);
        ema.EnsureStandingStatistics(3, Forward);
        ema.EnsureStandingStatistics(3, Forward); // nothing changed: no second pass
        Assert.Equal(3, calls);
        Assert.False(ema.StatisticsStale);
        ema.Update();
        Assert.True(ema.StatisticsStale);
        ema.EnsureStandingStatistics(3, Forward);
        Assert.Equal(6, calls);
        ema.ResumeAt(10); // loaded weights: statistics unknown again
        Assert.True(ema.StatisticsStale);
    }
}
