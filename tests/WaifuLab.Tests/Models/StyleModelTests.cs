using WaifuLab.Backend;
using WaifuLab.Models;
using WaifuLab.Models.Style;
using WaifuLab.Training;
using static TorchSharp.torch;
using static WaifuLab.Tests.Training.TrainingFixtures;

namespace WaifuLab.Tests.Models;

public sealed class StyleModelTests : TempFolderTest
{
    static GanModelOptions TinyStyle => new GanModelOptions(32, 16, 4, 4)
        { Architecture = ModelFactory.Style, Style = new StyleModelOptions { MappingLayers = 2, WDim = 16 } };

    static TrainOptions TinyRun => Tiny with
    {
        Model = TinyStyle, LrG = 0.002, LrD = 0.002, Beta1 = 0, Beta2 = 0.99, EmaBeta = 0.9,
        Objective = new() { R1Gamma = 0.1, R1Every = 2, StyleMixingProbability = 0.9 },
    };

    static StyleGenerator NewG(ulong seed = 1, bool skipToRgb = true)
    {
        var g = new StyleGenerator(TinyStyle with { Style = TinyStyle.Style with { SkipToRgb = skipToRgb } });
        using var gen = new Generator(seed, CPU);
        DcganInit.Apply(g, gen);
        return g;
    }

    [Fact]
    public void ShapesAndLayerCount()
    {
        using var g = NewG();
        using var d = new StyleDiscriminator(TinyStyle);
        Assert.Equal(8, g.NumWs); // 32 px: 4 px (conv, rgb) + 3 resolutions x 2 convs, toRGB sharing the next conv's w
        Assert.Equal(new[] { 4, 4, 8, 8, 16, 16, 32, 32 }, g.LayerResolutions);
        using var z = randn(3, 16);
        using var ws = g.Map(z);
        Assert.Equal(new long[] { 3, 8, 16 }, ws.shape);
        using var x = g.Synthesize(ws);
        Assert.Equal(new long[] { 3, 3, 32, 32 }, x.shape);
        using var logits = d.Judge(x, null).Logit;
        Assert.Equal(new long[] { 3 }, logits.shape);
        Assert.Throws<ArgumentException>(() => g.Generate(z, ones(3, 2)));
        Assert.Throws<ArgumentException>(() => g.Map(randn(3, 5)));
    }

    [Fact]
    public void TheOrigArchitectureHasOnlyTheLastToRgbAndTheSameWs()
    {
        using var skip = NewG();
        using var orig = NewG(skipToRgb: false);
        string[] ToRgbs(StyleGenerator g) => g.named_parameters().Select(p => p.name).Where(n => n.Contains("torgb")).Select(n => n.Split('.')[0] + "." + n.Split('.')[1]).Distinct().ToArray();
        Assert.Equal(4, ToRgbs(skip).Length);
        Assert.Single(ToRgbs(orig));
        Assert.Equal(skip.NumWs, orig.NumWs);
        orig.eval();
        using var _ = no_grad();
        using var ws = orig.Map(randn(2, 16));
        using var x = orig.Synthesize(ws);
        Assert.Equal(new long[] { 2, 3, 32, 32 }, x.shape);
        // The last w modulates the one toRGB, so it changes every pixel's colour.
        using var changed = ws.clone();
        changed.select(1, 7).add_(1);
        using var y = orig.Synthesize(changed);
        Assert.True(orig.Synthesize(ws).allclose(x)); // eval mode: a function of ws alone
        Assert.True(y.sub(x).abs().amin().item<float>() > 0, "the last w should reach every pixel through the one toRGB");
    }

    [Fact]
    public void SeparateToRgbWsReachOnlyTheToRgbLayers()
    {
        using var scope = NewDisposeScope();
        using var g = NewG();
        using var orig = NewG(skipToRgb: false);
        using var _ = no_grad();
        g.eval();
        orig.eval();
        var ws = g.Map(randn(2, 16));
        var other = g.Map(randn(2, 16));
        Assert.True(Eq(g.Synthesize(ws, ws), g.Synthesize(ws)), "the toRGB ws default to ws");
        Assert.False(Eq(g.Synthesize(ws, other), g.Synthesize(ws)), "the skip G's toRGB layers read the toRGB ws");
        Assert.False(Eq(g.Synthesize(ws, other), g.Synthesize(other)), "the convolutions still read ws");
        // The orig G's one toRGB reads the last w only: other toRGB ws that differ elsewhere change nothing.
        var lastOnly = ws.clone();
        lastOnly.narrow(1, 0, 7).copy_(other.narrow(1, 0, 7));
        Assert.True(Eq(orig.Synthesize(ws, lastOnly), orig.Synthesize(ws)));
        Assert.Throws<ArgumentException>(() => g.Synthesize(ws, other.narrow(0, 0, 1)));
    }

    [Fact]
    public void DemodulationGivesUnitNormOutputWeights()
    {
        using var scope = NewDisposeScope();
        var weight = randn(5, 4, 3, 3) * 7;
        var styles = rand(2, 4) * 3 + 0.1;
        var w = ModulatedConv.Weights(weight, styles, demodulate: true);
        var norms = w.square().sum([2, 3, 4]).sqrt();
        Assert.True(norms.sub(1).abs().max().item<float>() < 1e-4, "each output channel's modulated weights should have unit L2 norm");
        // Without demodulation the style scales the input channels: a style of 2 doubles the weights.
        var plain = ModulatedConv.Weights(weight, full(1, 4, 2.0f), demodulate: false);
        Assert.True(plain[0].allclose(weight * 2));
        // The grouped conv equals a separate conv per image.
        var x = randn(2, 4, 6, 6);
        var y = ModulatedConv.Apply(x, weight, styles, demodulate: true);
        var y1 = nn.functional.conv2d(x.narrow(0, 1, 1), w[1], padding: [1, 1]);
        Assert.True(y.narrow(0, 1, 1).allclose(y1, rtol: 1e-4, atol: 1e-4));
    }

    [Fact]
    public void MixingTakesTheNamedLayersFromTheSource()
    {
        using var scope = NewDisposeScope();
        var a = zeros(2, 8, 4);
        var b = ones(2, 8, 4);
        var mixed = StyleGenerator.Mix(a, b, 0, 3);
        Assert.True(mixed.narrow(1, 0, 4).eq(0).all().item<bool>());
        Assert.True(mixed.narrow(1, 4, 4).eq(1).all().item<bool>());
        Assert.Throws<ArgumentOutOfRangeException>(() => StyleGenerator.Mix(a, b, 2, 8));
        // Synthesis reads layer k's style from ws[:, k]: changing only the fine layers leaves the 4 px layers' output alone,
        // and a mix whose source is the whole range reproduces the source's image.
        using var g = NewG();
        g.eval();
        using var _ = no_grad();
        var wa = g.Map(randn(1, 16));
        var wb = g.Map(randn(1, 16));
        Assert.True(g.Synthesize(StyleGenerator.Mix(wa, wb, 0, 7)).allclose(g.Synthesize(wa)));
        var coarseA = g.Synthesize(StyleGenerator.Mix(wa, wb, 0, 3));
        Assert.False(coarseA.allclose(g.Synthesize(wa)));
        Assert.False(coarseA.allclose(g.Synthesize(wb)));
    }

    [Fact]
    public void TruncationPullsTowardsTheAverageW()
    {
        using var scope = NewDisposeScope();
        using var g = NewG();
        g.train();
        using (no_grad()) for (int i = 0; i < 5; i++) g.Map(randn(8, 16)); // training mode tracks the average
        var avg = g.WAvg.clone();
        Assert.True(avg.abs().sum().item<float>() > 0, "training-mode mapping should move the tracked w average");
        g.eval();
        using var _ = no_grad();
        var z = randn(4, 16);
        var ws0 = g.Map(z, psi: 0);
        Assert.True(ws0.allclose(avg.expand(4, 8, 16)), "psi 0 gives w_avg at every layer");
        Assert.True(Eq(g.WAvg, avg), "eval mode leaves the average alone");
        var full = g.Map(z);
        var half = g.Map(z, psi: 0.5);
        Assert.True(half.allclose((full + avg) / 2, atol: 1e-6));
        var cut = g.Map(z, psi: 0, cutoff: 3);
        Assert.True(cut.narrow(1, 0, 3).allclose(avg.expand(4, 3, 16)));
        Assert.True(cut.narrow(1, 3, 5).allclose(full.narrow(1, 3, 5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => g.Map(z, psi: 1.5));
    }

    [Fact]
    public void EvalModeSamplesAreAFunctionOfTheirW()
    {
        using var scope = NewDisposeScope();
        using var g = NewG();
        using var _ = no_grad();
        var ws = g.Map(randn(2, 16));
        g.eval();
        Assert.True(Eq(g.Synthesize(ws), g.Synthesize(ws)), "eval mode uses the fixed noise buffers");
    }

    [Fact]
    public void ManyFacesAreDrawnInChunksAndEachIsTheFaceItIsAlone()
    {
        using var scope = NewDisposeScope();
        using var g = NewG();
        int n = WaifuLab.Sampling.StyleMixing.Chunk + 3; // one full chunk and a ragged one
        var ws = WaifuLab.Sampling.StyleMixing.Ws(g, n, seed: 5);
        var all = WaifuLab.Sampling.StyleMixing.Synthesize(g, ws);
        Assert.Equal(new long[] { n, 3, 32, 32 }, all.shape);
        foreach (int i in new[] { 0, WaifuLab.Sampling.StyleMixing.Chunk - 1, WaifuLab.Sampling.StyleMixing.Chunk, n - 1 })
        {
            var alone = WaifuLab.Sampling.StyleMixing.Synthesize(g, ws.narrow(0, i, 1));
            Assert.True(all[i].allclose(alone[0], rtol: 1e-4, atol: 1e-5), $"face {i} differs from the same w drawn alone");
        }
        Assert.True(g.training, "the generator's mode is restored");
    }

    [Fact]
    public void ATrainingStepMovesGAndDAndRunsStyleMixingAndLazyR1()
    {
        using var data = MakeData();
        using var t = new GanTrainer(TinyRun, Path.Combine(Root, "step"));
        var g = t.StyleGenerator!;
        var gBefore = Snapshot(g);
        var step = t.TrainOn(data.Images.narrow(0, 0, 4));
        Assert.True(step.IsFinite);
        Assert.True(step.Extra!.ContainsKey("r1"), "lazy R1 runs at iteration 0");
        Assert.False(Same(gBefore, g), "G's weights moved");
        var second = t.TrainOn(data.Images.narrow(0, 4, 4));
        Assert.True(second.Extra is null || !second.Extra.ContainsKey("r1"), "R1 every 2 iterations skips iteration 1");
        using var x = t.Sample(4, seed: 3);
        Assert.Equal(new long[] { 4, 3, 32, 32 }, x.shape);
        Assert.True(x.isfinite().all().item<bool>());
        Assert.Throws<ArgumentException>(() => new GanTrainer(TinyRun with { Model = new GanModelOptions(32, 8, 4, 4) }, Path.Combine(Root, "bad")));
    }

    [Fact]
    public void ResumeContinuesTheRunExactly()
    {
        using var data = MakeData();
        var options = TinyRun with { Epochs = 2 };
        using (var whole = new GanTrainer(options, Path.Combine(Root, "whole"))) whole.Train(data);
        using (var first = new GanTrainer(options with { MaxIterations = 3 }, Path.Combine(Root, "split"))) first.Train(data);
        using var resumed = GanTrainer.Resume(Path.Combine(Root, "split"), o => o with { MaxIterations = null });
        resumed.Train(data);
        using var reference = GanTrainer.Load(Path.Combine(Root, "whole", "checkpoints", "last.ckpt"));
        Assert.Equal(8, resumed.Iteration);
        Assert.Equal(reference.History.Select(s => s.LossD), resumed.History.Select(s => s.LossD));
        Assert.True(Same(Snapshot(reference.StyleGenerator!), resumed.StyleGenerator!), "G's weights equal after resume");
        Assert.True(Eq(reference.StyleGenerator!.WAvg, resumed.StyleGenerator!.WAvg), "the tracked w average is checkpointed");
        using var a = reference.Sample(4, seed: 9);
        using var b = resumed.Sample(4, seed: 9);
        Assert.True(Eq(a, b), "the EMA's samples are equal");
    }
}

public sealed class StyleProjectionTests
{
    [Fact]
    public void WPlusProjectionFindsAFaceGDrewAndWKeepsOneW()
    {
        using var scope = NewDisposeScope();
        var g = new StyleGenerator(new GanModelOptions(32, 16, 4, 4) { Architecture = ModelFactory.Style, Style = new StyleModelOptions { MappingLayers = 2, WDim = 16 } });
        using (var gen = new Generator(3, CPU)) DcganInit.Apply(g, gen);
        g.train();
        using (no_grad()) for (int i = 0; i < 10; i++) g.Map(randn(16, 16)); // a tracked w average to start from
        g.eval();
        Tensor target;
        using (no_grad()) target = g.Synthesize(g.Map(randn(1, 16), psi: 0.7))[0].clamp(-1, 1);
        Tensor start;
        using (no_grad()) start = g.Synthesize(g.WAvg.reshape(1, 1, 16).expand(1, g.NumWs, 16));
        double startPsnr = 10 * Math.Log10(4 / (start - target).square().mean().item<float>());
        var options = new WaifuLab.Projection.ProjectionOptions { Steps = 60, Restarts = 2, Lr = 0.1, Seed = 1 };
        using var plus = WaifuLab.Projection.Projector.Project(g, target, wPlus: true, options);
        using var w = WaifuLab.Projection.Projector.Project(g, target, wPlus: false, options);
        Assert.Equal(new long[] { 1, g.NumWs, 16 }, plus.Ws.shape);
        Assert.True(plus.Psnr > startPsnr + 3, $"W+ projection should improve on the average face: {plus.Psnr:0.0} dB vs {startPsnr:0.0} dB at w_avg");
        Assert.True(Eq(w.Ws.select(1, 0).unsqueeze(1).expand_as(w.Ws), w.Ws), "a W projection has one w for every layer");
        Assert.False(g.training);
        Assert.True(g.parameters().All(p => p.requires_grad), "G's weights are unfrozen afterwards");
    }
}
