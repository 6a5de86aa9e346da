using static TorchSharp.torch;

namespace WaifuLab.Data;

/// <summary>
/// A dataset held in memory: images as one float32 tensor (N,3,S,S) in [-1,1] on the CPU, and optionally one
/// condition vector per image (N,C) built from its labels. Trainers batch from it; it owns its tensors.
/// </summary>
public sealed class ImageDataset : IDisposable
{
    public ImageDataset(Tensor images, Tensor? conditions = null, string source = "")
    {
        if (images.dim() != 4 || images.shape[1] != 3 || images.shape[2] != images.shape[3])
            throw new ArgumentException($"images must have shape (N,3,S,S), got ({string.Join(",", images.shape)})", nameof(images));
        if (images.shape[0] == 0)
            throw new ArgumentException($"the dataset {source} holds no images", nameof(images));
        if (conditions is not null && (conditions.dim() != 2 || conditions.shape[0] != images.shape[0]))
            throw new ArgumentException($"conditions must have shape (N,C) with N = {images.shape[0]}", nameof(conditions));
        Images = images;
        Conditions = conditions;
        Source = source;
    }

    public Tensor Images { get; }
    public Tensor? Conditions { get; }
    /// <summary>Where the images came from (a folder, "synthetic", ...), for reports.</summary>
    public string Source { get; }
    /// <summary>Names and sizes of the files behind the images (<see cref="DatasetFingerprint"/>); null for in-memory data.</summary>
    public string? Fingerprint { get; init; }
    public int Count => (int)Images.shape[0];
    public int Size => (int)Images.shape[2];
    public int ConditionSize => Conditions is null ? 0 : (int)Conditions.shape[1];

    public void Dispose()
    {
        Images.Dispose();
        Conditions?.Dispose();
    }
}
