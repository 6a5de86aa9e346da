namespace WaifuLab.Training;

/// <summary>
/// One training iteration as recorded in the history: losses, the discriminator's mean output probability on
/// real images D(x) and on fakes before and after its own step D(G(z)), and wall time. <see cref="Extra"/> holds
/// metrics added by later parts (gradient norms, FID, ...); each key becomes a history.csv column.
/// </summary>
public sealed record TrainStep(
    long Iteration, int Epoch, double LossD, double LossG, double DReal, double DFakeBefore, double DFakeAfter, double Milliseconds)
{
    public IReadOnlyDictionary<string, double>? Extra { get; init; }

    /// <summary>True when every loss and probability is a finite number.</summary>
    public bool IsFinite => double.IsFinite(LossD) && double.IsFinite(LossG) && double.IsFinite(DReal)
        && double.IsFinite(DFakeBefore) && double.IsFinite(DFakeAfter);
}
