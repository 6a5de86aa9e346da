using TorchSharp;
using WaifuLab.Stabilizers;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Stabilizers;

public class StabilizedGanStepTests
{
    private static StabilizedGanStep Make(StabilizerOptions options, out nn.Module<Tensor, Tensor> g, out nn.Module<Tensor, Tensor> d,
        nn.Module<Tensor, Tensor>? gFrom = null, nn.Module<Tensor, Tensor>? dFrom = null)
    {
        g = TinyGan.G();
        d = TinyGan.D();
        if (gFrom is not null) TinyGan.CopyInto(gFrom, g);
        if (dFrom is not null) TinyGan.CopyInto(dFrom, d);
        var z = new Generator(11);
        return new StabilizedGanStep(g, d, n => randn(n, TinyGan.Nz, generator: z), options,
            gShadow: options.EmaBeta > 0 ? TinyGan.G() : null, generator: new Generator(12));
    }

    private static Tensor Flat(nn.Module m) => cat(m.parameters().Select(p => p.detach().reshape(-1)).ToArray());

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Every_preset_runs_trains_both_players_and_reports_finite_metrics(string preset)
    {
        using var step = Make(StabilizerPresets.Get(preset), out var g, out var d);
        using var g0 = Flat(g);
        using var d0 = Flat(d);
        using var real = TinyGan.Batch(8, 1);
        var m = step.Step(real);
        m = step.Step(real);
        Assert.Equal(1, m.Iteration);
        Assert.Equal(2, step.Iteration);
        foreach (var v in new[] { m.LossD, m.LossG, m.DReal, m.DFakeBeforeG, m.DFakeAfterD, m.GradNormD, m.GradNormG, m.GOutputGradNorm })
            Assert.True(double.IsFinite(v));
        Assert.InRange(m.DReal, 0, 1);
        Assert.InRange(m.RealAccuracy, 0, 1);
        Assert.True(m.GradNormD > 0 && m.GradNormG > 0 && m.GOutputGradNorm > 0);
        using var g1 = Flat(g);
        using var d1 = Flat(d);
        Assert.False(TinyGan.Same(g1, g0));
        Assert.False(TinyGan.Same(d1, d0));
        Assert.Equal(m.DFakeBeforeG, m.ToDominanceRecord().DFake);
    }

    public static TheoryData<string> PresetNames() => new(StabilizerPresets.All.Keys);

    [Fact]
    public void R1_adds_to_D_gradient_but_not_to_the_reported_D_loss()
    {
        var g0 = TinyGan.G();
        var d0 = TinyGan.D();
        using var real = TinyGan.Batch(8, 2);
        using var plain = Make(new StabilizerOptions(), out _, out _, g0, d0);
        using var r1 = Make(new StabilizerOptions { R1Gamma = 10 }, out _, out _, g0, d0);
        var a = plain.Step(real);
        var b = r1.Step(real);
        Assert.Equal(0, a.R1);
        Assert.True(b.R1 > 0);
        Assert.Equal(a.LossD, b.LossD, 5); // same weights, same z: the adversarial part is identical
        Assert.NotEqual(a.GradNormD, b.GradNormD, 5);
    }

    [Fact]
    public void Options_take_effect_spectral_norm_noise_and_ema()
    {
        using var step = Make(new StabilizerOptions { SpectralNormD = true, InstanceNoiseSigma0 = 0.3, InstanceNoiseAnnealIterations = 10, EmaBeta = 0.99 },
            out var g, out var d);
        Assert.All(d.modules().Where(m => m is TorchSharp.Modules.Conv2d or TorchSharp.Modules.Linear), m => Assert.True(SpectralNorm.IsApplied(m)));
        using var real = TinyGan.Batch(8, 3);
        var m = step.Step(real);
        Assert.Equal(0.3, m.InstanceNoiseSigma, 12);
        Assert.Equal(0.27, step.Step(real).InstanceNoiseSigma, 12);
        Assert.NotNull(step.Ema);
        Assert.Equal(2, step.Ema!.Updates);
        // The shadow lags behind G: close to, but not equal to, G's weights.
        using var shadow = Flat(step.Ema.Shadow);
        using var current = Flat(g);
        Assert.False(TinyGan.Same(shadow, current));
        Assert.Throws<ArgumentException>(() => new StabilizedGanStep(TinyGan.G(), TinyGan.D(), n => randn(n, 4), new StabilizerOptions { EmaBeta = 0.9 }));
        Assert.Throws<ArgumentException>(() => new StabilizedGanStep(TinyGan.G(), TinyGan.D(), n => randn(n, 4), new StabilizerOptions { DSteps = 0 }));
    }
}
