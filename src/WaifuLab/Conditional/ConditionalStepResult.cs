namespace WaifuLab.Conditional;

/// <summary>
/// One conditional training iteration, in the terms of pytorch/examples' DCGAN log line: D's and G's losses, D's mean
/// probability on real pairs, on fake pairs before D's update and after it. <see cref="AuxLoss"/> is D's attribute
/// loss on real plus fake batches (AC-GAN; 0 otherwise), <see cref="AuxLossG"/> the attribute loss in G's step.
/// </summary>
public sealed record ConditionalStepResult(
    double LossD, double LossG, double DReal, double DFakeBefore, double DFakeAfter, double AuxLoss, double AuxLossG)
{
    /// <summary>The mode-seeking term 1 / (image distance / noise distance) in G's step (<see cref="ModeSeekingLoss"/>; 0 when off).</summary>
    public double ModeSeeking { get; init; }

    public override string ToString() => FormattableString.Invariant(
        $"Loss_D {LossD:0.0000} Loss_G {LossG:0.0000} D(x) {DReal:0.0000} D(G(z)) {DFakeBefore:0.0000} / {DFakeAfter:0.0000} Aux {AuxLoss:0.0000}");
}
