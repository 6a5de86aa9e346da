using WaifuLab.Stabilizers;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Stabilizers;

public class GanLossTests
{
    private static double Softplus(double x) => Math.Log(1 + Math.Exp(x));

    [Fact]
    public void Non_saturating_D_loss_is_the_sum_of_the_two_BCE_terms_and_smoothing_moves_only_the_real_target()
    {
        using var real = tensor(new float[] { 2f });
        using var fake = tensor(new float[] { -1f });
        using var plain = GanLoss.DLoss(real, fake, GanLossKind.NonSaturating);
        Assert.Equal(Softplus(-2) + Softplus(-1), plain.item<float>(), 5);
        using var s = GanLoss.DLoss(real, fake, GanLossKind.NonSaturating, new WaifuLab.Training.ObjectiveOptions { LabelSmoothing = true }.RealTarget);
        // BCE(l, 0.9) = 0.9 softplus(-l) + 0.1 softplus(l); the fake term is unchanged.
        Assert.Equal(0.9 * Softplus(-2) + 0.1 * Softplus(2) + Softplus(-1), s.item<float>(), 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => GanLoss.DLoss(real, fake, GanLossKind.NonSaturating, 0.3));
    }

    [Fact]
    public void Hinge_losses_match_their_definitions_on_known_logits()
    {
        using var real = tensor(new float[] { 2f, 0.5f });
        using var fake = tensor(new float[] { -1f, 0.5f });
        using var d = GanLoss.DLoss(real, fake, GanLossKind.Hinge);
        // mean(relu(1 - [2, .5])) = .25, mean(relu(1 + [-1, .5])) = .75
        Assert.Equal(1.0, d.item<float>(), 5);
        using var g = GanLoss.GLoss(fake, GanLossKind.Hinge);
        Assert.Equal(0.25, g.item<float>(), 5);
    }

    [Fact]
    public void Saturating_G_loss_loses_its_gradient_when_D_rejects_the_fakes_and_non_saturating_does_not()
    {
        double Grad(GanLossKind kind)
        {
            using var logits = tensor(new float[] { -6f }).requires_grad_(true);
            using var loss = GanLoss.GLoss(logits, kind);
            loss.backward();
            return logits.grad!.item<float>();
        }
        double ns = Grad(GanLossKind.NonSaturating), sat = Grad(GanLossKind.Saturating);
        Assert.Equal(-1 / (1 + Math.Exp(-6)), ns, 4);   // -sigmoid(6): G is pushed hard
        Assert.Equal(-1 / (1 + Math.Exp(6)), sat, 4);   // -sigmoid(-6): almost nothing
        Assert.True(Math.Abs(sat) < 0.01 * Math.Abs(ns));
    }
}
