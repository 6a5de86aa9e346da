using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WaifuLab.Backend;
using WaifuLab.Data;
using static TorchSharp.torch;

namespace WaifuLab.Evaluation;

/// <summary>
/// Trains an attribute classifier once per (dataset, schema, options) and reuses the saved file afterwards, so
/// FID every few epochs or `waifulab eval` on many checkpoints do not retrain. The key hashes the dataset's
/// source, count and image size, a fingerprint of its pixel and label values, the schema and the options
/// (except the device, which does not change the result).
/// </summary>
public static class ClassifierCache
{
    public static CachedClassifier GetOrTrain(
        ImageDataset dataset, LabelSchema schema, string cacheDir, AttributeClassifierOptions? options = null,
        IProgress<ClassifierEpoch>? progress = null, CancellationToken ct = default)
    {
        TorchBackend.EnsureLoaded();
        options ??= new AttributeClassifierOptions();
        var path = Path.Combine(cacheDir, $"classifier-{dataset.Size}px-{Key(dataset, schema, options)}.wlc");
        if (File.Exists(path))
        {
            try
            {
                var cached = AttributeClassifier.Load(path, options.Device);
                if (cached.Report is not null) return new CachedClassifier(cached, cached.Report, path, Trained: false);
                cached.Dispose();
            }
            // A damaged cache entry is only a cache miss: train again and overwrite it.
            catch (InvalidDataException) { }
        }
        var (classifier, report) = AttributeClassifier.Train(dataset, schema, options, progress, ct);
        classifier.Save(path);
        return new CachedClassifier(classifier, report, path, Trained: true);
    }

    /// <summary>The cache key: 16 hex digits of a SHA-256 over what determines the trained classifier.</summary>
    public static string Key(ImageDataset dataset, LabelSchema schema, AttributeClassifierOptions options)
    {
        var description = JsonSerializer.Serialize(new
        {
            dataset.Source,
            dataset.Count,
            dataset.Size,
            Fingerprint = Fingerprint(dataset),
            Schema = schema,
            Options = options with { Device = ComputeDevice.Auto },
        }, ClassifierFile.Json);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(description)))[..16].ToLowerInvariant();
    }

    /// <summary>
    /// Position-weighted sums of the per-image pixel sums and of the labels, accumulated in float64 and rounded
    /// to 12 digits so that thread-count-dependent summation order cannot change the key.
    /// </summary>
    static string Fingerprint(ImageDataset dataset)
    {
        using var scope = NewDisposeScope();
        var perImage = dataset.Images.sum([1, 2, 3], type: ScalarType.Float64);
        var weights = arange(1, dataset.Count + 1, dtype: float64);
        double pixels = perImage.sum().item<double>();
        double weighted = (perImage * weights).sum().item<double>() / dataset.Count;
        double labels = dataset.Conditions is null ? 0
            : (dataset.Conditions.sum([1], type: ScalarType.Float64) * weights).sum().item<double>() / dataset.Count;
        return string.Join(";", new[] { pixels, weighted, labels }.Select(v => v.ToString("G12", CultureInfo.InvariantCulture)));
    }
}
