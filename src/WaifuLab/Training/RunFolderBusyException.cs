namespace WaifuLab.Training;

/// <summary>A run folder is locked by another trainer (<see cref="RunLock"/>); the message names the process.</summary>
public sealed class RunFolderBusyException(string root, string owner, Exception? inner = null)
    : IOException($"the run folder {root} is in use by {owner}: wait for that run to finish (or stop it), or choose another folder", inner)
{
    public string Root { get; } = root;
    public string Owner { get; } = owner;
}
