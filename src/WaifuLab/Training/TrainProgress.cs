namespace WaifuLab.Training;

/// <summary>What a trainer reports after each iteration, for progress bars and notebook displays.</summary>
public sealed record TrainProgress(TrainStep Step, long TotalIterations, int IterationsPerEpoch, int Epochs, double IterationsPerSecond)
{
    /// <summary>Iteration within the current epoch, 1-based.</summary>
    public long IterationInEpoch => (Step.Iteration - 1) % IterationsPerEpoch + 1;

    public TimeSpan Eta => IterationsPerSecond > 0
        ? TimeSpan.FromSeconds((TotalIterations - Step.Iteration) / IterationsPerSecond)
        : TimeSpan.Zero;
}
