using WaifuLab.Models;
using WaifuLab.Training;
using static TorchSharp.torch;
using static WaifuLab.Tests.Training.TrainingFixtures;

namespace WaifuLab.Tests.Training;

public class GanUpdateTests
{
    /// <summary>Looks at the models between the D step and the G step through the update's hooks.</summary>
    sealed class Probe(DcganGenerator g, DcganDiscriminator d, TrainOptions o) : GanUpdate(g, d, o)
    {
        public Tensor[] GBefore = Snapshot(g), DBefore = Snapshot(d);
        public Tensor[]? DAfterDStep;
        public bool GAfterDStepUnchanged, GHadNoGradientFromD;

        protected override void AfterDiscriminatorBackward(IDictionary<string, double> extra)
        {
            GHadNoGradientFromD = Generator.parameters().All(p => p.grad is null || p.grad.abs().max().item<float>() == 0);
            extra["probe"] = 1;
        }

        protected override void AfterGeneratorBackward(IDictionary<string, double> extra)
        {
            DAfterDStep = Snapshot(Discriminator);
            GAfterDStepUnchanged = Same(GBefore, Generator);
        }
    }

    [Fact]
    public void DStepMovesOnlyDAndGStepMovesOnlyG()
    {
        var o = Tiny;
        using var g = new DcganGenerator(o.Model);
        using var d = new DcganDiscriminator(o.Model);
        using var probe = new Probe(g, d, o);
        using var scope = NewDisposeScope();
        var r = probe.Step(new GanBatch(rand(4, 3, 32, 32).mul(2).sub(1), randn(4, 8)));

        Assert.True(probe.GHadNoGradientFromD, "the D step's backward reached G");
        Assert.True(probe.GAfterDStepUnchanged, "the D step changed G");
        Assert.True(NoneSame(probe.DBefore, d), "the D step left some D parameter unchanged");
        Assert.True(NoneSame(probe.GBefore, g), "the G step left some G parameter unchanged");
        Assert.True(Same(probe.DAfterDStep!, d), "the G step changed D");
        Assert.Equal(1.0, r.Extra!["probe"]);
        Assert.InRange(r.DReal, 0, 1);
        Assert.True(double.IsFinite(r.LossD) && double.IsFinite(r.LossG));
    }

    [Fact]
    public void LossesMatchTheirDefinitionsAtTheStart()
    {
        // With N(0,0.02) weights D's logits are near 0, so each BCE term is near ln 2.
        var o = Tiny;
        using var g = new DcganGenerator(o.Model);
        using var d = new DcganDiscriminator(o.Model);
        DcganInit.Apply(g); DcganInit.Apply(d);
        using var update = new GanUpdate(g, d, o);
        using var scope = NewDisposeScope();
        var r = update.Step(new GanBatch(rand(4, 3, 32, 32).mul(2).sub(1), randn(4, 8)));
        Assert.InRange(r.LossD, 2 * Math.Log(2) - 0.3, 2 * Math.Log(2) + 0.3);
        Assert.InRange(r.DFakeBefore, 0.3, 0.7);
    }

    [Fact]
    public void ConditionsAreRefusedByTheUnconditionalUpdate()
    {
        var o = Tiny;
        using var g = new DcganGenerator(o.Model);
        using var d = new DcganDiscriminator(o.Model);
        using var update = new GanUpdate(g, d, o);
        using var scope = NewDisposeScope();
        Assert.Throws<NotSupportedException>(() => update.Step(new GanBatch(rand(4, 3, 32, 32), randn(4, 8), ones(4, 2))));
    }
}
