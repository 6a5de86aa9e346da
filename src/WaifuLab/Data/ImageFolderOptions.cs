namespace WaifuLab.Data;

/// <summary>How <see cref="ImageFolder.Load"/> reads a folder of images and its optional labels.</summary>
public sealed record ImageFolderOptions
{
    /// <summary>Where decoded tensors are cached; null means <c>&lt;folder&gt;/.waifulab-cache</c>.</summary>
    public string? CacheDir { get; init; }

    /// <summary>Reuse (and write) a cache of the decoded pixels, keyed by size and the file list with sizes and times.</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>The labels CSV; null means <c>&lt;folder&gt;/labels.csv</c> when that file exists.</summary>
    public string? LabelsFile { get; init; }

    /// <summary>Turn labels into condition vectors; false loads images only even when a labels file is present.</summary>
    public bool UseLabels { get; init; } = true;

    /// <summary>The schema labels must follow (e.g. the synthetic set's); null infers one from the labels file.</summary>
    public LabelSchema? Schema { get; init; }

    /// <summary>What to do with images that have no row in the labels file.</summary>
    public MissingLabelPolicy MissingLabels { get; init; } = MissingLabelPolicy.Error;

    /// <summary>Load at most this many images (the first ones in sorted order); null loads all.</summary>
    public int? MaxImages { get; init; }

    /// <summary>Decoding threads; null uses every core.</summary>
    public int? Threads { get; init; }
}
