namespace WaifuLab.Training;

/// <summary>
/// The numbers one <see cref="GanObjective"/> step produced: losses, mean D probabilities on real images and on fakes before and
/// after D's step, and the extra metrics of the terms in use (go to <see cref="TrainStep.Extra"/>).
/// </summary>
public sealed record UpdateResult(double LossD, double LossG, double DReal, double DFakeBefore, double DFakeAfter)
{
    public IReadOnlyDictionary<string, double>? Extra { get; init; }
}
