namespace WaifuLab.Data;

/// <summary>A loaded image folder: the dataset, its label schema (when labelled), the files in dataset order and the report.</summary>
public sealed class ImageFolderResult(ImageDataset dataset, LabelSchema? schema, IReadOnlyList<string> files, LoadReport report) : IDisposable
{
    public ImageDataset Dataset { get; } = dataset;
    /// <summary>The schema the conditions follow; null when the folder was loaded without labels.</summary>
    public LabelSchema? Schema { get; } = schema;
    /// <summary>Image paths relative to the folder, with '/' separators, in the order of the dataset's rows.</summary>
    public IReadOnlyList<string> Files { get; } = files;
    public LoadReport Report { get; } = report;

    public void Dispose() => Dataset.Dispose();
}
