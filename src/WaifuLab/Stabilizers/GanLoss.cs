using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace WaifuLab.Stabilizers;

/// <summary>
/// The adversarial losses on D's raw logits (Goodfellow et al. 2014; hinge: Lim &amp; Ye 2017, Miyato et al. 2018), with
/// one-sided label smoothing of the real target (Salimans et al. 2016). Only the real target is smoothed: smoothing the
/// fake target too would reward G for samples D already rejects. The adversarial term of <see cref="WaifuLab.Training.GanObjective"/>.
/// </summary>
public static class GanLoss
{
    /// <summary>D's loss: real term + fake term, each a batch mean (the sum pytorch/examples dcgan reports as Loss_D).</summary>
    public static Tensor DLoss(Tensor realLogits, Tensor fakeLogits, GanLossKind kind, double realTarget = 1.0)
    {
        CheckTarget(realTarget);
        using var scope = NewDisposeScope();
        Tensor loss = kind switch
        {
            GanLossKind.Hinge => F.relu(1.0 - realLogits).mean() + F.relu(1.0 + fakeLogits).mean(),
            // D's side of the saturating and non-saturating games is the same BCE; only G's objective differs.
            GanLossKind.NonSaturating or GanLossKind.Saturating =>
                F.binary_cross_entropy_with_logits(realLogits, full_like(realLogits, realTarget))
                + F.binary_cross_entropy_with_logits(fakeLogits, zeros_like(fakeLogits)),
            _ => throw new ArgumentException($"unknown GAN loss {kind}", nameof(kind)),
        };
        return loss.MoveToOuterDisposeScope();
    }


    /// <summary>G's loss on D's logits for generated samples.</summary>
    public static Tensor GLoss(Tensor fakeLogits, GanLossKind kind)
    {
        using var scope = NewDisposeScope();
        Tensor loss = kind switch
        {
            // BCE(l, 1) = -log sigmoid(l): large, with a gradient of ~1, when D rejects the fakes (l << 0).
            GanLossKind.NonSaturating => F.binary_cross_entropy_with_logits(fakeLogits, ones_like(fakeLogits)),
            // log(1 - sigmoid(l)) = -softplus(l): flat (gradient sigmoid(l) -> 0) exactly when D rejects the fakes.
            GanLossKind.Saturating => (-F.softplus(fakeLogits)).mean(),
            GanLossKind.Hinge => (-fakeLogits).mean(),
            _ => throw new ArgumentException($"unknown GAN loss {kind}", nameof(kind)),
        };
        return loss.MoveToOuterDisposeScope();
    }

    private static void CheckTarget(double realTarget)
    {
        if (!(realTarget > 0.5 && realTarget <= 1.0))
            throw new ArgumentOutOfRangeException(nameof(realTarget), realTarget, "the real label target must be in (0.5, 1] (0.9 for one-sided smoothing)");
    }
}
