using TorchSharp;
using WaifuLab.Conditional;
using WaifuLab.Data;
using WaifuLab.Models;
using WaifuLab.Stabilizers;
using WaifuLab.Tests.Conditional;
using WaifuLab.Training;
using static TorchSharp.torch;
using static WaifuLab.Tests.Training.TrainingFixtures;

namespace WaifuLab.Tests.Training;

/// <summary>The one GAN objective, on G and D from the model factory: which weights each step moves, and what each term does.</summary>
[Collection(SerialTorch.Name)]
public sealed class GanObjectiveTests : TempFolderTest
{
    static readonly LabelSchema Schema = ConditionalTrainerTests.Schema;

    static float[] Flat(nn.Module m) => m.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();

    /// <summary>One objective step on factory-built tiny models with the given learning rates; reports which side moved.</summary>
    static UpdateResult RunStep(ConditioningMode? mode, double lrG, double lrD, out bool gMoved, out bool dMoved, ObjectiveOptions? objective = null)
    {
        var o = Tiny with { Conditioning = mode, EmbedSize = 4, Objective = objective ?? new() };
        using var init = new torch.Generator(3, CPU);
        var (g, d) = ModelFactory.Create(o, mode is null ? null : Schema, init, CPU);
        using var _g = g;
        using var _d = d;
        using var optG = optim.Adam(g.parameters(), lr: lrG, beta1: 0.5);
        using var optD = optim.Adam(d.parameters(), lr: lrD, beta1: 0.5);
        using var rng = new torch.Generator(4, CPU);
        using var data = ConditionalTrainerTests.MakeLabelledData(8);
        var objectiveRun = new GanObjective(o.Objective, g, d, rng, instrument: true, layout: (d as ConditionalDiscriminator)?.Options.Layout,
            drawFakeConditions: (n, device) => data.Conditions!.narrow(0, 0, n));
        var g0 = Flat(g);
        var d0 = Flat(d);
        using var scope = NewDisposeScope();
        var c = mode is null ? null : data.Conditions!.narrow(0, 0, 4);
        var r = objectiveRun.Step(new GanBatch(data.Images.narrow(0, 0, 4), randn(4, 8, generator: rng), c, c?.flip(0)), optG, optD);
        gMoved = !g0.SequenceEqual(Flat(g));
        dMoved = !d0.SequenceEqual(Flat(d));
        return r;
    }

    [Theory]
    [InlineData(null)]
    [InlineData(ConditioningMode.Projection)]
    [InlineData(ConditioningMode.AuxiliaryClassifier)]
    [InlineData(ConditioningMode.Concat)]
    [InlineData(ConditioningMode.ProjectionClassifier)]
    public void DStepMovesOnlyDAndGStepMovesOnlyG(ConditioningMode? mode)
    {
        // Freezing one side (lr 0) shows what the other's step changes.
        RunStep(mode, lrG: 0, lrD: 1e-3, out bool gMoved, out bool dMoved);
        Assert.False(gMoved);
        Assert.True(dMoved);
        RunStep(mode, lrG: 1e-3, lrD: 0, out gMoved, out dMoved);
        Assert.True(gMoved);
        Assert.False(dMoved);

        var r = RunStep(mode, 2e-4, 2e-4, out _, out _);
        Assert.All(new[] { r.LossD, r.LossG }, v => Assert.True(double.IsFinite(v) && v > 0));
        Assert.All(new[] { r.DReal, r.DFakeBefore, r.DFakeAfter }, v => Assert.InRange(v, 0, 1));
        Assert.True(r.Extra!["grad_norm_d"] > 0 && r.Extra["grad_norm_g"] > 0 && r.Extra["grad_norm_g_out"] > 0);
        if (mode is ConditioningMode.AuxiliaryClassifier or ConditioningMode.ProjectionClassifier) Assert.True(r.Extra["aux_d"] > 0 && r.Extra["aux_g"] > 0);
        else Assert.False(r.Extra.ContainsKey("aux_d"));
    }

    [Fact]
    public void LossesMatchTheirDefinitionsAtTheStart()
    {
        // With N(0,0.02) weights D's logits are near 0: each BCE term is near ln 2, the hinge loss near 2.
        var bce = RunStep(null, 2e-4, 2e-4, out _, out _);
        Assert.InRange(bce.LossD, 2 * Math.Log(2) - 0.3, 2 * Math.Log(2) + 0.3);
        Assert.InRange(bce.DFakeBefore, 0.3, 0.7);
        var hinge = RunStep(null, 2e-4, 2e-4, out _, out _, new ObjectiveOptions { Loss = GanLossKind.Hinge });
        Assert.InRange(hinge.LossD, 1.7, 2.3);
        Assert.InRange(hinge.LossG, -0.3, 0.3);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(ConditioningMode.ProjectionClassifier)]
    public void R1AddsToDsGradientButNotToTheReportedLossAndLazyR1SkipsSteps(ConditioningMode? mode)
    {
        var plain = RunStep(mode, 2e-4, 2e-4, out _, out _);
        var r1 = RunStep(mode, 2e-4, 2e-4, out _, out _, new ObjectiveOptions { R1Gamma = 10 });
        Assert.Equal(plain.LossD, r1.LossD); // same weights, same z: the adversarial part is identical
        Assert.True(r1.Extra!["r1"] > 0);
        Assert.NotEqual(plain.Extra!["grad_norm_d"], r1.Extra["grad_norm_d"]);
        Assert.False(plain.Extra.ContainsKey("r1"));

        using var data = ConditionalTrainerTests.MakeLabelledData();
        var o = (mode is null ? Tiny : ConditionalTrainerTests.TinyConditional(mode.Value)) with
        {
            Objective = new() { R1Gamma = 10, R1Every = 2 }, MaxIterations = 3,
        };
        using var t = new GanTrainer(o, Path.Combine(Root, "lazy"), mode is null ? null : Schema);
        if (mode is null) t.Train(MakeData()); else t.Train(data);
        Assert.Equal(new[] { true, false, true }, t.History.Select(s => s.Extra?.ContainsKey("r1") == true));
    }

    [Fact]
    public void MeaninglessCombinationsAreRefusedWithTheReason()
    {
        var e = Assert.Throws<ArgumentException>(() => new ObjectiveOptions { Loss = GanLossKind.Hinge, LabelSmoothing = true }.Validate());
        Assert.Contains("hinge", e.Message);
        Assert.Throws<ArgumentException>(() => new ObjectiveOptions { R1Gamma = -1 }.Validate());
        Assert.Throws<ArgumentException>(() => new ObjectiveOptions { R1Every = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new ObjectiveOptions { DSteps = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new ObjectiveOptions { DiffAugmentPolicy = "rotate" }.Validate());
        Assert.Throws<ArgumentException>(() => (Tiny with { Model = Tiny.Model with { Architecture = "vit" } }).Validate());
    }

    [Fact]
    public void PoolSamplesWholeRowsRepeatably()
    {
        using var rows = tensor(new float[,] { { 1, 0, 0.25f }, { 0, 1, 0.75f } });
        using var a = new ConditionPool(rows, seed: 3);
        using var b = new ConditionPool(rows, seed: 3);
        using var sa = a.Sample(50);
        using var sb = b.Sample(50);
        Assert.True(sa.allclose(sb, 0, 0));
        var data = sa.data<float>().ToArray();
        for (int i = 0; i < 50; i++)
            Assert.True(data[i * 3] == 1 ? data[i * 3 + 2] == 0.25f : data[i * 3 + 2] == 0.75f);
        Assert.Contains(1f, data.Where((_, i) => i % 3 == 0));
        Assert.Contains(0f, data.Where((_, i) => i % 3 == 0));
    }
}
