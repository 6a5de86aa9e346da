using WaifuLab.Backend;
using WaifuLab.Conditional;
using WaifuLab.Data;
using WaifuLab.Evaluation;
using WaifuLab.Projection;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Projection;

public class ProjectorTests
{
    static readonly ProjectionOptions Quick = new() { Steps = 150, Restarts = 2, Seed = 1 };

    [Theory]
    [InlineData(100, "white", "yes")]
    [InlineData(102, "pink", "no")]
    public void Projecting_an_image_G_drew_recovers_it_and_its_condition(int seed, string hair, string glasses)
    {
        using var g = TinyGenerator.Make();
        using var random = new Generator((ulong)seed);
        using var z = randn([1, 16], generator: random);
        using var otherZ = randn([1, 16], generator: random);
        using var c = TinyGenerator.Condition(hair, glasses);
        using var target = TinyGenerator.Draw(g, z, c);
        using var unprojected = TinyGenerator.Draw(g, otherZ, c);

        // Starts from a uniform condition (no classifier): the categories must be found by the search itself.
        using var result = Projector.Project(g, target.squeeze(0), Quick);

        // Measured on six (z, c) pairs of this generator: PSNR 37-45 dB after 150 steps (pixel MSE 1e-4..7e-4), while
        // a random z with the right condition is at MSE 0.11-0.20 (~14 dB). 30 dB leaves room for BLAS rounding.
        Assert.True(result.Psnr > 30, $"PSNR {result.Psnr:0.#} dB");
        Assert.True(result.PixelMse < TinyGenerator.Mse(unprojected, target) / 50, $"MSE {result.PixelMse} vs random z {TinyGenerator.Mse(unprojected, target)}");
        Assert.Equal(result.PixelMse, TinyGenerator.Mse(result.Reconstruction, target), 1e-6);
        Assert.Equal(hair, result.Attributes["hair"]);
        Assert.Equal(glasses, result.Attributes["glasses"]);
        Assert.Equal(new long[] { 1, 16 }, result.Z.shape);
        Assert.Equal(new long[] { 1, 5 }, result.Condition.shape);
        Assert.Equal(new long[] { 1, 3, 16, 16 }, result.Reconstruction.shape);
        // The condition stays valid: each categorical block a distribution.
        var cond = result.Condition.data<float>().ToArray();
        Assert.Equal(1, cond[0] + cond[1] + cond[2], 4);
        Assert.Equal(1, cond[3] + cond[4], 4);
        Assert.Equal(2 * 150, result.Curve.Count);
        Assert.Equal(result.RestartLosses.Min(), result.RestartLosses[result.BestRestart]);
        var curve = result.CurveOf(result.BestRestart);
        Assert.True(curve[^1].PixelMse < curve[0].PixelMse / 20);
        Assert.True(double.IsNaN(result.FeatureDistance));
    }

    [Fact]
    public void A_wrong_initial_condition_is_corrected_by_the_search()
    {
        using var g = TinyGenerator.Make();
        using var random = new Generator(200);
        using var target = TinyGenerator.Draw(g, randn([1, 16], generator: random), TinyGenerator.Condition("white", "yes"));
        // As a classifier that misread the image would start it (measured: 6 of 6 wrong starts corrected, PSNR 34-44 dB).
        using var r = Projector.Project(g, target, Quick with { InitialCondition = [1, 0, 0, 1, 0] });
        Assert.Equal("white", r.Attributes["hair"]);
        Assert.Equal("yes", r.Attributes["glasses"]);
        Assert.True(r.Psnr > 30, $"PSNR {r.Psnr:0.#} dB");
    }

    [Fact]
    public void An_image_G_cannot_draw_shows_in_the_error_and_the_latent_prior_holds_z_nearer_its_shell()
    {
        using var g = TinyGenerator.Make();
        // A 2-px checkerboard: nothing this generator draws (measured PSNR 6 dB after 150 steps).
        using var checker = (arange(16).reshape(1, 16) + arange(16).reshape(16, 1)).remainder(4).lt(2).to(float32).mul(2).sub(1).expand(3, 16, 16).contiguous();
        using var held = Projector.Project(g, checker, Quick);
        using var free = Projector.Project(g, checker, Quick with { LatentWeight = 0 });
        Assert.True(held.Psnr < 15, $"PSNR {held.Psnr:0.#} dB");
        // Without the prior z shrinks off the shell where N(0,I) lives (|z|²/nz 0.33 vs 0.64 with it, measured).
        double Shell(ProjectionResult r) => Math.Abs(r.Z.square().mean().item<float>() - 1);
        Assert.True(Shell(held) < Shell(free), $"|z|²/nz deviation {Shell(held):0.##} with the prior, {Shell(free):0.##} without");
    }

    [Fact]
    public void G_is_left_as_it_was_and_the_search_is_seeded()
    {
        using var g = TinyGenerator.Make();
        g.train();
        var before = g.parameters().Select(p => p.sum().item<float>()).ToArray();
        using var target = TinyGenerator.Draw(g, randn(1, 16), TinyGenerator.Condition("black", "no"));
        g.train();
        var options = Quick with { Steps = 20 };
        var steps = new List<ProjectionStep>();
        using var a = Projector.Project(g, target, options, progress: new Collect(steps));
        using var b = Projector.Project(g, target, options);
        Assert.True(g.training);
        Assert.All(g.parameters(), p => Assert.True(p.requires_grad));
        Assert.All(g.parameters(), p => Assert.Null(p.grad));
        Assert.Equal(before, g.parameters().Select(p => p.sum().item<float>()).ToArray());
        Assert.True(a.Z.allclose(b.Z, 0, 0));
        Assert.Equal(a.Curve, steps);
        var html = Plotly.NET.GenericChart.toChartHTML(ProjectionCharts.Curve(a));
        Assert.Contains($"restart {a.BestRestart} (kept)", html);
        Assert.Contains("log", html);
        using var c = Projector.Project(g, target, options with { Seed = 2 });
        Assert.False(a.Z.allclose(c.Z, 1e-3, 1e-3));
    }

    [Fact]
    public void A_fixed_condition_is_kept_and_only_z_moves()
    {
        using var g = TinyGenerator.Make();
        using var target = TinyGenerator.Draw(g, randn(1, 16), TinyGenerator.Condition("pink", "yes"));
        var initial = new float[] { 1, 0, 0, 1, 0 };
        using var r = Projector.Project(g, target, Quick with { Steps = 10, OptimizeCondition = false, InitialCondition = initial });
        Assert.Equal("black", r.Attributes["hair"]);
        Assert.Equal("no", r.Attributes["glasses"]);
        // Smoothed by ConditionSmoothing 0.3: 0.7 + 0.3/3 for the chosen hair, 0.7 + 0.3/2 for glasses.
        Assert.Equal(0.8f, r.Condition[0, 0].item<float>(), 4);
        Assert.Equal(0.85f, r.Condition[0, 3].item<float>(), 4);
    }

    [Fact]
    public void With_a_classifier_the_feature_loss_is_used_and_its_prediction_starts_the_condition()
    {
        using var g = TinyGenerator.Make();
        // A classifier trained briefly on G's own images labelled with their conditions.
        using var c = AttributeRequest.Fill(AttributeRequest.None(TinyGenerator.Schema), null, 96, 3);
        using var images = Rendering(g, randn(96, 16), c);
        using var data = new ImageDataset(images, c, "tiny G");
        var (classifier, _) = AttributeClassifier.Train(data, TinyGenerator.Schema,
            new AttributeClassifierOptions(Epochs: 2, BatchSize: 32, Features: 16, HoldOutFraction: 0, Device: ComputeDevice.Cpu));
        using var _c = classifier;
        using var target = TinyGenerator.Draw(g, randn(1, 16), TinyGenerator.Condition("white", "no"));
        using var r = Projector.Project(g, target, Quick with { Steps = 60 }, classifier);
        Assert.True(double.IsFinite(r.FeatureDistance));
        Assert.InRange(r.FeatureDistance, 0, 4);
        Assert.True(r.Psnr > 20, $"PSNR {r.Psnr:0.#}");
        // The feature term is part of the loss: the same seeded first step, same pixels, a larger loss with it.
        using var pixelOnly = Projector.Project(g, target, Quick with { Steps = 60, FeatureWeight = 0 }, classifier);
        Assert.Equal(r.Curve[0].PixelMse, pixelOnly.Curve[0].PixelMse, 6);
        Assert.True(r.Curve[0].Loss > pixelOnly.Curve[0].Loss, $"{r.Curve[0].Loss} vs {pixelOnly.Curve[0].Loss}");
        Assert.True(double.IsFinite(pixelOnly.FeatureDistance)); // still reported with weight 0

        // The differentiable feature path: gradients reach the images, never the frozen weights.
        using var x = target.detach().clone().requires_grad_(true);
        using var f = classifier.FeaturesDifferentiable(x);
        f.square().sum().backward();
        Assert.True(x.grad is not null && x.grad.abs().sum().item<float>() > 0);
        using var plain = classifier.Features(target);
        Assert.True(plain.allclose(f.detach(), 1e-5, 1e-5));
    }

    [Fact]
    public void Bad_targets_and_options_are_refused_with_a_reason()
    {
        using var g = TinyGenerator.Make();
        var e = Assert.Throws<ArgumentException>(() => Projector.Project(g, zeros(3, 32, 32), Quick));
        Assert.Contains("32x32", e.Message);
        Assert.Contains("16x16", e.Message);
        Assert.Contains("ProjectionTarget.Load", e.Message);
        e = Assert.Throws<ArgumentException>(() => Projector.Project(g, zeros(4, 16, 16), Quick));
        Assert.Contains("4 channels", e.Message);
        e = Assert.Throws<ArgumentException>(() => Projector.Project(g, zeros(2, 3, 16, 16), Quick));
        Assert.Contains("one image at a time", e.Message);
        e = Assert.Throws<ArgumentException>(() => Projector.Project(g, full(3, 16, 16, 200f), Quick));
        Assert.Contains("[-1,1]", e.Message);
        e = Assert.Throws<ArgumentException>(() => Projector.Project(g, zeros(16, 16), Quick));
        Assert.Contains("(3,H,W)", e.Message);
        e = Assert.Throws<ArgumentException>(() => Projector.Project(g, zeros(3, 16, 16), Quick with { Steps = 0 }));
        Assert.Contains("Steps", e.Message);
        e = Assert.Throws<ArgumentException>(() => Projector.Project(g, zeros(3, 16, 16), Quick with { InitialCondition = [1, 0] }));
        Assert.Contains("InitialCondition", e.Message);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Projector.Project(g, zeros(3, 16, 16), Quick, ct: cts.Token));
    }

    static Tensor Rendering(ConditionalGenerator g, Tensor z, Tensor c)
    {
        using var _ = no_grad();
        using (z) return g.forward(z, c);
    }

    sealed class Collect(List<ProjectionStep> into) : IProgress<ProjectionStep>
    {
        public void Report(ProjectionStep value) => into.Add(value);
    }
}
