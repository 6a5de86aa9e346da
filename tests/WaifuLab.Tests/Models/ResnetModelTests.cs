using TorchSharp;
using WaifuLab.Conditional;
using WaifuLab.Models;
using WaifuLab.Stabilizers;
using WaifuLab.Tests.Training;
using WaifuLab.Training;
using static TorchSharp.torch;
using static WaifuLab.Tests.Training.TrainingFixtures;

namespace WaifuLab.Tests.Models;

/// <summary>The residual architecture ("resnet") through the model factory and the trainer: shapes, spectral norm, conditioning, training, resume.</summary>
public sealed class ResnetModelTests : TempFolderTest
{
    static TrainOptions TinyResnet(int size = 32) => Tiny with { Model = new GanModelOptions(size, 8, 2, 2) { Architecture = ModelFactory.Resnet } };

    [Theory]
    [InlineData(64)]
    [InlineData(128)]
    [InlineData(256)]
    public void FactoryBuildsResidualGAndDOfEverySizeWithSpectralNormOnEveryLayerOfD(int size)
    {
        var o = TinyResnet(size) with { Model = TinyResnet(size).Model with { SpectralNorm = true, ExtraBlocks = 1 } };
        using var init = new torch.Generator(1, CPU);
        var (gm, dm) = ModelFactory.Create(o, null, init, CPU);
        using var _g = gm;
        using var _d = dm;
        var g = Assert.IsType<ResnetGenerator>(gm);
        var d = Assert.IsType<ResnetDiscriminator>(dm);
        using var scope = NewDisposeScope();
        var images = g.Generate(randn(2, 8), null);
        Assert.Equal(new long[] { 2, 3, size, size }, images.shape);
        Assert.True(images.abs().max().item<float>() <= 1f);
        Assert.Equal(new long[] { 2 }, d.Judge(images, null).Logit.shape);
        // One up- (down-) sampling block per stage and one extra per stage, two 3x3 convs each plus the 1x1 skips.
        int stages = o.Model.Stages;
        Assert.Equal(2 * stages, g.modules().OfType<ResidualUpBlock>().Count());
        Assert.Equal(2 * stages, d.modules().OfType<ResidualDownBlock>().Count());
        int dLayers = ModelSummary.WeightLayers(d);
        Assert.Equal(2 * 2 * stages + stages + 1, dLayers); // convs + a skip per sampling block + the logit
        Assert.Equal(dLayers, d.modules().Count(SpectralNorm.IsApplied));
        Assert.DoesNotContain(g.modules(), SpectralNorm.IsApplied);
    }

    [Fact]
    public void ConditionalVariantUsesConditionalBatchNormInGAndProjectionInD()
    {
        var schema = ConditionalTrainerTests.Schema;
        var o = TinyResnet() with { Conditioning = ConditioningMode.Projection };
        using var init = new torch.Generator(2, CPU);
        var (gm, dm) = ModelFactory.Create(o, schema, init, CPU);
        using var _g = gm;
        using var _d = dm;
        var g = (ResnetGenerator)gm;
        var d = (ResnetDiscriminator)dm;
        Assert.Equal(schema.Width, g.ConditionSize);
        Assert.Equal(2 * o.Model.Stages, g.modules().OfType<ConditionalBatchNorm2d>().Count());
        using var scope = NewDisposeScope();
        // Conditional BatchNorm's condition weights start at zero (the plain model); give them a value so c matters.
        using (no_grad()) foreach (var (name, p) in g.named_parameters()) if (name.EndsWith("gamma") || name.EndsWith("beta")) p.normal_(0, 0.5);
        g.eval();
        var z = randn(2, 8);
        var c1 = zeros(2, schema.Width).index_fill_(1, tensor(new long[] { 0 }), 1);
        var c2 = zeros(2, schema.Width).index_fill_(1, tensor(new long[] { 1 }), 1);
        Assert.False(g.Generate(z, c1).allclose(g.Generate(z, c2), rtol: 0, atol: 1e-6), "c does not reach G");
        using var xg = new torch.Generator(5, CPU);
        var x = rand(new long[] { 2, 3, 32, 32 }, generator: xg).mul(2).sub(1);
        Assert.NotEqual(d.Judge(x, c1).Logit.data<float>().ToArray(), d.Judge(x, c2).Logit.data<float>().ToArray()); // c reaches D's projection
        Assert.Throws<ArgumentException>(() => g.Generate(z, null));
        Assert.Throws<ArgumentException>(() => d.Judge(x, null));
        var acgan = Assert.Throws<ArgumentException>(() => ModelFactory.Create(o with { Conditioning = ConditioningMode.AuxiliaryClassifier }, schema, init, CPU));
        Assert.Contains("projection", acgan.Message);
    }

    [Fact]
    public void UnconditionalModelsRefuseConditions()
    {
        var m = TinyResnet().Model;
        using var g = new ResnetGenerator(m);
        using var d = new ResnetDiscriminator(m);
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => g.Generate(randn(2, 8), ones(2, 3)));
        Assert.Throws<ArgumentException>(() => d.Judge(randn(2, 3, 32, 32), ones(2, 3)));
        Assert.Throws<ArgumentException>(() => d.Judge(randn(2, 3, 64, 64), null));
    }

    [Fact]
    public void ResidualRunWithTheRecommendedRemediesTrainsAndResumesExactly()
    {
        using var data = MakeData();
        var o = Remedies.Get("recommended")(TinyResnet()) with { Epochs = 2, EmaBeta = 0.9 };
        using var whole = new GanTrainer(o, Path.Combine(Root, "whole"));
        using var before = whole.Sample(4, seed: 7);
        whole.Train(data);
        Assert.Equal(8, whole.Iteration);
        Assert.All(whole.History, s => Assert.True(s.IsFinite));

        using (var first = new GanTrainer(o with { MaxIterations = 5 }, Path.Combine(Root, "halves")))
            first.Train(data);
        using var second = GanTrainer.Resume(Path.Combine(Root, "halves"), x => x with { MaxIterations = null });
        Assert.Equal(5, second.Iteration);
        second.Train(data);
        Assert.Equal(whole.History.Select(s => (s.Iteration, s.LossD, s.LossG)), second.History.Select(s => (s.Iteration, s.LossD, s.LossG)));
        using var a = whole.Sample(4, seed: 7);
        using var b = second.Sample(4, seed: 7);
        Assert.Equal(new long[] { 4, 3, 32, 32 }, a.shape);
        Assert.False(a.allclose(before, rtol: 0, atol: 1e-4), "training did not change what G draws");
        Assert.True(a.allclose(b, rtol: 0, atol: 1e-5), "the resumed run draws other images than the uninterrupted one");
        Assert.True(File.Exists(whole.Folder.SampleGrid(2)), "no per-epoch grid");
        using var loaded = GanTrainer.Load(whole.Folder.LastCheckpoint);
        Assert.Equal(ModelFactory.Resnet, loaded.Options.Model.Architecture);
        using var c = loaded.Sample(4, seed: 7);
        Assert.True(a.allclose(c, rtol: 0, atol: 1e-5), "the loaded checkpoint draws other images");
    }

    [Fact]
    public void ConditionalResidualRunSamplesByAttribute()
    {
        using var data = ConditionalTrainerTests.MakeLabelledData();
        // A large learning rate, so the condition weights (zero at the start) move visibly in 4 steps.
        var o = TinyResnet() with { Conditioning = ConditioningMode.Projection, MaxIterations = 4, SampleGridCount = 6, LrG = 0.05 };
        using var t = new GanTrainer(o, Path.Combine(Root, "c"), ConditionalTrainerTests.Schema);
        t.Train(data);
        Assert.Equal(4, t.Iteration);
        using var white = t.Sample(3, t.Request("hair=white"), seed: 1);
        using var red = t.Sample(3, t.Request("hair=red"), seed: 1);
        Assert.Equal(new long[] { 3, 3, 32, 32 }, white.shape);
        Assert.False(white.allclose(red, rtol: 0, atol: 1e-4), $"the requested hair colour does not reach G: {(white - red).abs().max().item<float>()}");
        Assert.True(File.Exists(t.Folder.SampleGrid(1)), "no per-epoch grid");
    }

    [Fact]
    public void ResnetPresetsUseTheRecommendedRemediesAndTtur()
    {
        foreach (var name in new[] { "resnet128-smoke", "resnet128-quick", "resnet128-full", "resnet256-smoke", "resnet256-full" })
        {
            var o = Presets.Get(name).Validate();
            Assert.Equal(ModelFactory.Resnet, o.Model.Architecture);
            Assert.True(o.Model.SpectralNorm, name);
            Assert.Equal(GanLossKind.Hinge, o.Objective.Loss);
            Assert.Equal(DiffAugment.FullPolicy, o.Objective.DiffAugmentPolicy);
            Assert.Equal(0.999, o.EmaBeta);
            Assert.Equal((1e-4, 4e-4, 0.0), (o.LrG, o.LrD, o.Beta1)); // TTUR with Adam beta1 0: the preset rates collapsed G
            Assert.Equal(name.StartsWith("resnet256") ? 256 : 128, o.Model.ImageSize);
        }
        // The quick preset compares with the failing deep variant on the same data and batch.
        Assert.Equal(Presets.Get("deep128-quick").BatchSize, Presets.Get("resnet128-quick").BatchSize);
    }
}
