namespace WaifuLab.Data;

/// <summary>What to do with an image that has no row in the labels file.</summary>
public enum MissingLabelPolicy
{
    /// <summary>Refuse to load, naming the images without rows (the default: a silently shrunken dataset surprises).</summary>
    Error,
    /// <summary>Leave those images out and count them in <see cref="LoadReport.SkippedUnlabelled"/>.</summary>
    Drop,
}
