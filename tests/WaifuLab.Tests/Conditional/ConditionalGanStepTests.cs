using WaifuLab.Conditional;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Conditional;

[Collection(SerialTorch.Name)]
public class ConditionalGanStepTests
{
    private static readonly ConditionalGanOptions Options = new()
    {
        ImageSize = 16, Nz = 8, Ngf = 8, Ndf = 8, ConditionSize = 3, EmbedSize = 4,
        Schema = new WaifuLab.Data.LabelSchema([WaifuLab.Data.AttributeSpec.Categorical("colour", "r", "g", "b")]),
    };

    private static float[] Flat(TorchSharp.torch.nn.Module m) =>
        m.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();

    private static ConditionalStepResult RunStep(ConditioningMode mode, double lrG, double lrD,
        out bool gMoved, out bool dMoved)
    {
        manual_seed(5);
        var o = Options with { Conditioning = mode };
        using var g = new ConditionalGenerator(o);
        using var d = ConditionalDiscriminator.Create(o);
        using var optG = ConditionalGanStep.Adam(g, lrG);
        using var optD = ConditionalGanStep.Adam(d, lrD);
        using var labels = eye(3).repeat(4, 1);
        using var pool = new ConditionPool(labels, seed: 1);
        var step = new ConditionalGanStep(g, d, optG, optD, pool, seed: 2);
        var g0 = Flat(g);
        var d0 = Flat(d);
        using var x = rand(12, 3, 16, 16) * 2 - 1;
        var r = step.Step(x, labels);
        gMoved = !g0.SequenceEqual(Flat(g));
        dMoved = !d0.SequenceEqual(Flat(d));
        return r;
    }

    [Theory]
    [InlineData(ConditioningMode.Projection)]
    [InlineData(ConditioningMode.AuxiliaryClassifier)]
    [InlineData(ConditioningMode.Concat)]
    [InlineData(ConditioningMode.ProjectionClassifier)]
    public void D_step_moves_only_D_and_G_step_moves_only_G(ConditioningMode mode)
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
        Assert.True(r.DFakeAfter < r.DFakeBefore, $"D's update should lower its verdict on the same fakes: {r}");
        if (mode is ConditioningMode.AuxiliaryClassifier or ConditioningMode.ProjectionClassifier) Assert.True(r.AuxLoss > 0 && r.AuxLossG > 0);
        else Assert.Equal(0, r.AuxLoss);
    }

    [Fact]
    public void Pool_samples_whole_rows_repeatably()
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

    [Fact]
    public void Timing_runs_real_steps_and_checks_its_arguments()
    {
        double ms = ConditionalGanTiming.MeasureStep(Options with { Conditioning = ConditioningMode.AuxiliaryClassifier }, batch: 4, iterations: 2);
        Assert.True(double.IsFinite(ms) && ms > 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => ConditionalGanTiming.MeasureStep(Options, batch: 0, iterations: 1));
    }
}
