namespace WaifuLab.Notebooks;

/// <summary>A training cell was stopped by the user; the run is checkpointed at <see cref="Iteration"/> and can continue.</summary>
public sealed class TrainingInterruptedException(string message, long iteration, string? checkpoint)
    : OperationCanceledException(message)
{
    public long Iteration { get; } = iteration;
    public string? Checkpoint { get; } = checkpoint;
}
