using WaifuLab.Conditional;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Conditional;

public class ConditionalModelTests
{
    private static ConditionalGanOptions Small(int size) => new()
    {
        ImageSize = size, Nz = 8, Ngf = 8, Ndf = 8, ConditionSize = 5, EmbedSize = 4,
        Schema = new WaifuLab.Data.LabelSchema([
            WaifuLab.Data.AttributeSpec.Categorical("hair", "black", "white", "red"),
            WaifuLab.Data.AttributeSpec.Categorical("glasses", "no", "yes")]),
    };

    [Theory]
    [InlineData(32, false)]
    [InlineData(64, true)]
    public void Generator_and_every_discriminator_have_the_right_shapes(int size, bool conditionalBatchNorm)
    {
        var o = Small(size) with { ConditionalBatchNorm = conditionalBatchNorm };
        using var g = new ConditionalGenerator(o);
        using var z = randn(3, 8);
        using var c = rand(3, 5);
        using var x = g.forward(z, c);
        Assert.Equal(new long[] { 3, 3, size, size }, x.shape);
        Assert.True(x.abs().max().item<float>() <= 1f);
        foreach (var mode in Enum.GetValues<ConditioningMode>())
        {
            using var d = ConditionalDiscriminator.Create(mode, o);
            Assert.Equal(mode, d.Mode);
            using var logit = d.forward(x, c);
            Assert.Equal(new long[] { 3 }, logit.shape);
        }
    }

    [Fact]
    public void Conditional_batchnorm_starts_as_plain_batchnorm_and_learns_to_follow_the_condition()
    {
        using var cbn = new ConditionalBatchNorm2d(channels: 3, conditionSize: 2);
        using var plain = nn.BatchNorm2d(3);
        using var x = randn(4, 3, 5, 5);
        using var c = tensor(new float[,] { { 1, 0 }, { 0, 1 }, { 1, 0 }, { 0.5f, 0.5f } });
        using (var y = cbn.forward(x, c))
        using (var expected = plain.forward(x))
            Assert.True(y.allclose(expected, atol: 1e-6), "an untrained conditional BatchNorm should be the plain one");

        // One gradient step on a loss that wants condition 0 brighter than condition 1 must make c matter.
        using var opt = optim.SGD(cbn.parameters(), 0.1);
        using (var y = cbn.forward(x, c))
        using (var loss = -(y[0] + y[2] - y[1]).mean())
            loss.backward();
        opt.step();
        using var a = cbn.forward(x, c);
        using var same = tensor(new float[,] { { 1, 0 }, { 1, 0 }, { 1, 0 }, { 1, 0 } });
        using var b = cbn.forward(x, same);
        Assert.False(a[1].allclose(b[1], atol: 1e-4), "the condition does not reach the normalised features");
        Assert.True(a[0].allclose(b[0], atol: 1e-5), "the same condition must give the same output");
    }

    [Fact]
    public void Projection_logit_depends_on_the_condition()
    {
        var o = Small(16);
        using var d = ConditionalDiscriminator.Create(ConditioningMode.Projection, o);
        d.eval();
        using var x = rand(4, 3, 16, 16) * 2 - 1;
        using var c1 = tensor(new float[] { 1, 0, 0, 1, 0 }).expand(4, -1);
        using var c2 = tensor(new float[] { 0, 1, 0, 1, 0 }).expand(4, -1);
        using var a = d.forward(x, c1);
        using var a2 = d.forward(x, c1);
        using var b = d.forward(x, c2);
        Assert.True(a.allclose(a2)); // deterministic in eval mode, so a difference is the condition's doing
        Assert.True((a - b).abs().min().item<float>() > 1e-6f);
    }

    [Fact]
    public void Auxiliary_classifier_heads_have_the_condition_width_and_ignore_the_condition_input()
    {
        var o = Small(16);
        using var d = (AuxiliaryClassifierDiscriminator)ConditionalDiscriminator.Create(ConditioningMode.AuxiliaryClassifier, o);
        d.eval();
        using var x = rand(2, 3, 16, 16);
        var (logit, attributes) = d.Judge(x, zeros(2, 5));
        using var _l = logit;
        using var _a = attributes;
        Assert.Equal(new long[] { 2 }, logit.shape);
        Assert.Equal(new long[] { 2, 5 }, attributes!.shape);
        Assert.Equal(5, d.AttributeWidth);
        using var other = d.forward(x, ones(2, 5));
        Assert.True(other.allclose(logit));
        var layout = o.Layout;
        Assert.Equal([3, 2], layout.Blocks.Select(b => b.Width));
        using var loss = AuxiliaryLoss.Compute(attributes, tensor(new float[,] { { 1, 0, 0, 0, 1 }, { 0, 0, 1, 1, 0 } }), layout);
        Assert.True(loss.item<float>() > 0);
    }

    [Fact]
    public void Auxiliary_loss_is_lowest_when_the_logits_agree_with_the_target()
    {
        var layout = ConditionLayout.From(new WaifuLab.Data.LabelSchema([
            WaifuLab.Data.AttributeSpec.Categorical("hair", "a", "b"), WaifuLab.Data.AttributeSpec.Continuous("mouth")]));
        using var target = tensor(new float[,] { { 1, 0, 0.8f } });
        using var good = AuxiliaryLoss.Compute(tensor(new float[,] { { 5, -5, 1.386f } }), target, layout); // logit(0.8) = 1.386
        using var bad = AuxiliaryLoss.Compute(tensor(new float[,] { { -5, 5, -1.386f } }), target, layout);
        Assert.True(good.item<float>() < bad.item<float>());
        Assert.Equal(1.0, AuxiliaryLoss.CategoricalAccuracy(tensor(new float[,] { { 5, -5, 0 } }), target, layout));
    }

    [Fact]
    public void Options_and_inputs_are_checked_with_clear_messages()
    {
        Assert.Contains("power of two", Assert.Throws<ArgumentException>(() => (Small(48)).Validate()).Message);
        Assert.Contains("ConditionSize", Assert.Throws<ArgumentException>(() => new ConditionalGanOptions().Validate()).Message);
        Assert.Contains("schema's width", Assert.Throws<ArgumentException>(() => (Small(16) with { ConditionSize = 4 }).Validate()).Message);
        using var g = new ConditionalGenerator(Small(16));
        Assert.Contains("label schema", Assert.Throws<ArgumentException>(() => g.forward(randn(2, 8), rand(2, 4))).Message);
    }
}
