namespace WaifuLab.Training;

/// <summary>
/// A loss became NaN or infinite. The run stopped before writing anything over its last good checkpoint, so it can be
/// resumed (e.g. with a lower learning rate) from there.
/// </summary>
public sealed class TrainingDivergedException(long iteration, string detail, string? lastCheckpoint)
    : InvalidOperationException(
        $"training diverged at iteration {iteration}: {detail}. " +
        (lastCheckpoint is null ? "No checkpoint had been written yet." : $"The last good checkpoint is intact: {lastCheckpoint}.") +
        " Try a lower learning rate.")
{
    public long Iteration { get; } = iteration;
    public string? LastCheckpoint { get; } = lastCheckpoint;
}
