using WaifuLab.Data.Synthetic;

namespace WaifuLab.Data;

/// <summary>
/// The one way the CLI and the notebooks get training data: a user's image folder when one is named, otherwise the
/// built-in synthetic faces (generated on first use, then reused), so nothing needs downloading on a fresh machine.
/// </summary>
public static class Datasets
{
    public const int BuiltInCount = 20000;

    /// <summary>
    /// Loads <paramref name="folder"/> (with its labels.csv when present) at <paramref name="size"/> px; when
    /// <paramref name="folder"/> is null or empty, the built-in set of <paramref name="builtInCount"/> faces drawn at
    /// that size, with its exact labels.
    /// </summary>
    public static ImageFolderResult Load(string? folder, int size, int builtInCount = BuiltInCount, TextWriter? log = null,
        CancellationToken ct = default)
    {
        if (!string.IsNullOrWhiteSpace(folder))
        {
            log?.WriteLine($"data: {Path.GetFullPath(folder)}");
            return Report(ImageFolder.Load(folder, size, ct: ct), log);
        }
        return BuiltIn(size, builtInCount, log: log, ct: ct);
    }

    /// <summary>The built-in synthetic faces at <paramref name="size"/> px, generated into data/ on first use.</summary>
    public static ImageFolderResult BuiltIn(int size = 64, int count = BuiltInCount, int seed = 1, TextWriter? log = null,
        CancellationToken ct = default)
    {
        var root = BuiltInDataset.DataRoot();
        if (!BuiltInDataset.IsComplete(Path.Combine(root, BuiltInDataset.FolderName(size, count, seed)), count))
            log?.WriteLine($"data: drawing the built-in dataset ({count:N0} faces, {size} px) into {root} (once)");
        var folder = BuiltInDataset.EnsureGenerated(root, size, count, seed);
        log?.WriteLine($"data: built-in synthetic faces {folder}");
        var options = new ImageFolderOptions { Schema = SyntheticFaces.Schema };
        return Report(ImageFolder.Load(folder, size, options, ct: ct), log);
    }

    static ImageFolderResult Report(ImageFolderResult result, TextWriter? log)
    {
        var r = result.Report;
        log?.WriteLine($"data: {r.Loaded:N0} images of {result.Dataset.Size} px" +
            (r.SkippedCorrupt.Count > 0 ? $", {r.SkippedCorrupt.Count} corrupt skipped" : "") +
            (result.Schema is null ? ", unlabelled" : $", labels: {string.Join(", ", result.Schema.Attributes.Select(a => a.Name))}") +
            (r.FromCache ? " (from cache)" : ""));
        return result;
    }
}
