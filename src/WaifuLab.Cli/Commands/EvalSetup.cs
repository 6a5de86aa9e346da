using WaifuLab.Data;
using WaifuLab.Data.Synthetic;
using WaifuLab.Evaluation;

namespace WaifuLab.Cli.Commands;

/// <summary>
/// How the CLI gets the feature network for FID/KID: an attribute classifier trained on labelled images of the
/// evaluation size, from the cache when one was trained before. The labels come from the evaluated data itself, or,
/// when that is unlabelled, only from a labelled set the user names explicitly (--classifier-data): a feature space
/// learnt on other images is not silently substituted.
/// </summary>
static class EvalSetup
{
    /// <summary>Where classifiers are cached unless --classifier-cache says otherwise: data/.classifiers at the repository root (or ~/.cache/waifulab/data/.classifiers outside it).</summary>
    public static string DefaultCacheDir() => Path.Combine(BuiltInDataset.DataRoot(), ".classifiers");

    /// <summary>The --classifier-data value that names the built-in synthetic faces.</summary>
    public const string BuiltIn = "builtin";

    /// <summary>
    /// The classifier for <paramref name="data"/>: trained (or loaded) on <paramref name="data"/> when it is labelled,
    /// else on <paramref name="classifierData"/> (a labelled folder, or "builtin") when given, else an error that says what to do.
    /// </summary>
    public static CachedClassifier Classifier(ImageFolderResult data, string? classifierData, string? cacheDir,
        AttributeClassifierOptions? options, TextWriter log)
    {
        int size = data.Dataset.Size;
        cacheDir ??= DefaultCacheDir();
        if (classifierData is null)
        {
            if (data.Schema is null)
                throw new InvalidOperationException(
                    $"{data.Dataset.Source} has no labels. FID and KID here are measured in the features of an attribute classifier " +
                    "trained on labelled images (Inception weights are not available), so the data needs a labels.csv beside the images " +
                    "(file,attr1,attr2,...; see `waifulab data info`), or name a labelled set to learn the features from with " +
                    $"--classifier-data DIR, or --classifier-data {BuiltIn} for the built-in faces (then the features come from another domain " +
                    "and the scores say less about your images).");
            return Train(data.Dataset, data.Schema, cacheDir, options, log);
        }
        using var labelled = classifierData.Equals(BuiltIn, StringComparison.OrdinalIgnoreCase)
            ? Datasets.BuiltIn(size, log: log)
            : Datasets.Load(classifierData, size, log: log);
        if (labelled.Schema is null)
            throw new InvalidOperationException($"--classifier-data {classifierData} has no labels.csv; the classifier needs labelled images");
        if (!ReferenceEquals(labelled.Dataset, data.Dataset) && labelled.Dataset.Source != data.Dataset.Source)
            log.WriteLine($"warning: the feature network is trained on {labelled.Dataset.Source}, not on the evaluated images; " +
                          "scores measure differences that network learnt to see, which may miss what matters for these images");
        return Train(labelled.Dataset, labelled.Schema, cacheDir, options, log);
    }

    static CachedClassifier Train(ImageDataset dataset, LabelSchema schema, string cacheDir, AttributeClassifierOptions? options, TextWriter log)
    {
        var progress = new Progress(log);
        var cached = ClassifierCache.GetOrTrain(dataset, schema, cacheDir, options, progress);
        log.WriteLine(cached.Trained
            ? $"classifier: trained and cached at {cached.Path}"
            : $"classifier: cached {cached.Path}");
        return cached;
    }

    /// <summary>Prints each classifier epoch as it finishes (synchronously: System.Progress would post to the thread pool).</summary>
    sealed class Progress(TextWriter log) : IProgress<ClassifierEpoch>
    {
        public void Report(ClassifierEpoch e) =>
            log.WriteLine($"classifier epoch {e.Epoch}/{e.Epochs}: loss {e.Loss:0.0000}, {e.Elapsed.TotalSeconds:0} s");
    }
}
