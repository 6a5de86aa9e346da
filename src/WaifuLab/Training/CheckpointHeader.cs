namespace WaifuLab.Training;

/// <summary>
/// The readable part of a checkpoint, stored as JSON before the weights: what was trained and how far, and the
/// trainer's random-number state so that a resumed run draws the same noise and flips as an uninterrupted one.
/// <see cref="Labels"/> is the label schema of a conditional run (null otherwise): sampling by attribute needs it.
/// <see cref="DataFingerprint"/> identifies the training files (<see cref="WaifuLab.Data.DatasetFingerprint"/>), so a
/// resume on other data of the same size is refused. Format 2 (<see cref="CheckpointFile"/>) carries the history and a checksum.
/// </summary>
public sealed record CheckpointHeader(
    int FormatVersion, TrainOptions Options, long Iteration, int Epoch, int DataCount, string RngState, DateTimeOffset SavedAt,
    WaifuLab.Data.LabelSchema? Labels = null, string? DataFingerprint = null)
{
    public const int CurrentFormat = 2;
    /// <summary>First bytes of every WaifuLab checkpoint, to recognise one (and refuse other files) early.</summary>
    public const string Magic = "WAIFULAB-CKPT";
}
