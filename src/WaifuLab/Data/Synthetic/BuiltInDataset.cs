namespace WaifuLab.Data.Synthetic;

/// <summary>
/// Where the built-in synthetic dataset lives and how it comes to be there: generated on first use into the
/// repository's data/ folder (git-ignored) or, outside a checkout, ~/.cache/waifulab/data, and reused after.
/// </summary>
public static class BuiltInDataset
{
    public const string SolutionFile = "WaifuLab.sln";

    /// <summary>
    /// The data folder: data/ beside WaifuLab.sln, looked for from the current directory upward and then from the
    /// program's own folder upward; ~/.cache/waifulab/data when neither is inside a checkout.
    /// </summary>
    public static string DataRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                    return Path.Combine(dir.FullName, "data");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(string.IsNullOrEmpty(home) ? Path.GetTempPath() : home, ".cache", "waifulab", "data");
    }

    /// <summary>Folder name of a generated set: synthfaces-64px-20000-s1.</summary>
    public static string FolderName(int size, int count, int seed) => $"synthfaces-{size}px-{count}-s{seed}";

    /// <summary>
    /// The folder of the synthetic dataset with these parameters, generating it if it is missing or incomplete.
    /// Generation goes to a temporary sibling folder that is renamed into place when done, so the final folder is
    /// either absent or complete; a partial one left by an older run is deleted and made again.
    /// </summary>
    public static string EnsureGenerated(string? dataRoot = null, int size = 64, int count = 20000, int seed = 1, IProgress<int>? progress = null)
    {
        SyntheticFaces.Check("data root", count, size);
        var root = dataRoot ?? DataRoot();
        var folder = Path.Combine(root, FolderName(size, count, seed));
        if (IsComplete(folder, count)) return folder;

        Directory.CreateDirectory(root);
        var temp = folder + $".partial-{Environment.ProcessId}";
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        SyntheticFaces.Generate(temp, count, size, seed, progress);
        if (Directory.Exists(folder))
        {
            // Another process may have finished the same set meanwhile; its folder is as good as ours.
            if (IsComplete(folder, count)) { Directory.Delete(temp, recursive: true); return folder; }
            Directory.Delete(folder, recursive: true);
        }
        try
        {
            Directory.Move(temp, folder);
        }
        catch (IOException) when (IsComplete(folder, count))
        {
            // Lost a race with another process making the same set between the check above and the move.
            Directory.Delete(temp, recursive: true);
        }
        return folder;
    }

    /// <summary>A folder is complete when labels.csv is there with one row per image and every listed image exists.</summary>
    public static bool IsComplete(string folder, int count)
    {
        var labels = Path.Combine(folder, SyntheticFaces.LabelsFile);
        if (!File.Exists(labels)) return false;
        var lines = File.ReadLines(labels).Skip(1).Where(l => l.Length > 0).ToList();
        if (lines.Count != count) return false;
        foreach (var l in lines)
        {
            int comma = l.IndexOf(',');
            if (comma <= 0 || !File.Exists(Path.Combine(folder, l[..comma]))) return false;
        }
        return true;
    }
}
