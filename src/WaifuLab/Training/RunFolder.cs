namespace WaifuLab.Training;

/// <summary>
/// The layout of a run folder, so the CLI, notebooks and the trainer agree on where things are:
/// runs/NAME/{options.json, history.csv, samples/epoch_001.png, checkpoints/last.ckpt, final.png}.
/// </summary>
public sealed record RunFolder(string Root)
{
    public string Options => Path.Combine(Root, "options.json");
    public string History => Path.Combine(Root, "history.csv");
    public string Samples => Path.Combine(Root, "samples");
    public string Checkpoints => Path.Combine(Root, "checkpoints");
    public string LastCheckpoint => Path.Combine(Checkpoints, "last.ckpt");
    public string Final => Path.Combine(Root, "final.png");

    public string SampleGrid(int epoch) => Path.Combine(Samples, $"epoch_{epoch:000}.png");

    /// <summary>The run folder holding a checkpoint at runs/NAME/checkpoints/FILE (or the checkpoint's folder otherwise).</summary>
    public static RunFolder OfCheckpoint(string checkpointPath)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(checkpointPath))!;
        return new RunFolder(Path.GetFileName(dir) == "checkpoints" ? Path.GetDirectoryName(dir)! : dir);
    }
}
