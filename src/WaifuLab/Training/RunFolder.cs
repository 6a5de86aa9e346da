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

    /// <summary>
    /// Deletes an earlier run in this folder so a run starts afresh (a notebook cell run again, an ablation row). Only a
    /// run folder is deleted: one holding options.json, which only a trainer writes, so a mistyped name never takes a
    /// user's other files; a folder that another process is training in is refused, naming that process.
    /// </summary>
    public void Discard()
    {
        if (!Directory.Exists(Root)) return;
        if (!File.Exists(Options))
            throw new IOException($"{Path.GetFullPath(Root)} exists and is not a run folder (it has no options.json): choose another run name or folder");
        if (!RunLock.IsHeldHere(Root))
            using (RunLock.Acquire(Root)) { } // throws RunFolderBusyException while another process holds it
        Directory.Delete(Root, recursive: true);
    }

    /// <summary>The run folder holding a checkpoint at runs/NAME/checkpoints/FILE (or the checkpoint's folder otherwise).</summary>
    public static RunFolder OfCheckpoint(string checkpointPath)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(checkpointPath))!;
        return new RunFolder(Path.GetFileName(dir) == "checkpoints" ? Path.GetDirectoryName(dir)! : dir);
    }
}
