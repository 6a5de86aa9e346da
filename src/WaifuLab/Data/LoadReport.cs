namespace WaifuLab.Data;

/// <summary>What a load of an image folder did: counts, the files it skipped and why, and the cache's part.</summary>
/// <param name="Found">Image files found in the folder (before labels and <see cref="ImageFolderOptions.MaxImages"/>).</param>
/// <param name="Loaded">Images in the dataset.</param>
/// <param name="SkippedCorrupt">Files that could not be decoded, relative to the folder.</param>
/// <param name="SkippedUnlabelled">Images left out because the labels file has no row for them.</param>
/// <param name="Cache">What the decode cache did.</param>
/// <param name="CacheFile">The cache file used or written; null when caching is off or the write failed.</param>
/// <param name="CacheNote">Why an existing cache was not used, or why writing failed; null when there is nothing to say.</param>
public sealed record LoadReport(
    int Found,
    int Loaded,
    IReadOnlyList<string> SkippedCorrupt,
    IReadOnlyList<string> SkippedUnlabelled,
    CacheOutcome Cache,
    string? CacheFile,
    string? CacheNote)
{
    /// <summary>True when the pixels came from the cache rather than from decoding.</summary>
    public bool FromCache => Cache == CacheOutcome.Hit;
}
