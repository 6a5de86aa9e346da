using System.CommandLine;
using WaifuLab.Backend;
using WaifuLab.Data;
using WaifuLab.Evaluation;
using WaifuLab.Training;

namespace WaifuLab.Cli.Commands;

/// <summary>
/// <c>waifulab eval</c>: FID, KID and their real-vs-real floors of a checkpoint's generator in the features of an
/// attribute classifier (in-domain, not Inception FID), appended to the run's metrics.jsonl; or, with
/// --classifier-only, the classifier's held-out accuracy per attribute.
/// </summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Generator checkpoint to score, e.g. runs/NAME/checkpoints/last.ckpt." };
        var data = new Option<string?>("--data") { Description = "Real images to compare with (labels.csv beside them trains the classifier). Default: the built-in synthetic faces." };
        var count = new Option<int>("--count") { Description = "Generated images to score (FID needs >= 256, is stable from ~2,000).", DefaultValueFactory = _ => 2000 };
        var cache = new Option<string?>("--classifier-cache") { Description = "Folder of cached classifiers (default: data/.classifiers at the repository root)." };
        var classifierData = new Option<string?>("--classifier-data") { Description = $"Train the classifier on this labelled folder (or '{EvalSetup.BuiltIn}') instead of --data: for unlabelled data; scores are then less meaningful." };
        var seed = new Option<long>("--seed") { Description = "Noise seed of the generated images.", DefaultValueFactory = _ => 1 };
        var pr = new Option<bool>("--pr") { Description = "Also compute k-NN precision and recall (k = 3; quadratic in --count)." };
        var classifierOnly = new Option<bool>("--classifier-only") { Description = "Only train (or load) the classifier and print its held-out accuracy per attribute." };
        var size = new Option<int>("--size") { Description = "Image size for --classifier-only (with --checkpoint the checkpoint's size is used).", DefaultValueFactory = _ => 64 };
        var clsEpochs = new Option<int?>("--classifier-epochs") { Description = "Epochs to train the classifier (default: AttributeClassifierOptions)." };
        var clsImages = new Option<int?>("--classifier-images") { Description = "Train the classifier on at most this many images (default: AttributeClassifierOptions)." };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for libtorch (default: one per core)." };
        var command = new Command("eval", "Score a generator: FID and KID ± std beside the real-vs-real floor, in an attribute classifier's features (in-domain).")
        {
            checkpoint, data, count, cache, classifierData, seed, pr, classifierOnly, size, clsEpochs, clsImages, threads,
        };
        command.SetAction(parse =>
        {
            TorchBackend.EnsureLoaded();
            if (parse.GetValue(threads) is int t) TorchBackend.SetThreads(t);
            var ckpt = parse.GetValue(checkpoint);
            var defaults = new AttributeClassifierOptions();
            var options = defaults with { Epochs = parse.GetValue(clsEpochs) ?? defaults.Epochs, TrainImages = parse.GetValue(clsImages) ?? defaults.TrainImages };
            if (parse.GetValue(classifierOnly))
                return ClassifierOnly(parse.GetValue(data), ckpt is null ? parse.GetValue(size) : GanTrainer.ReadHeader(ckpt).Options.Model.ImageSize,
                    parse.GetValue(classifierData), parse.GetValue(cache), options);
            if (ckpt is null) throw new ArgumentException("give --checkpoint FILE to score a generator, or --classifier-only to train/inspect the classifier");
            int n = parse.GetValue(count);
            if (n < 4) throw new ArgumentException($"--count must be at least 4 (and 256+ for a meaningful FID), got {n}");
            return Score(ckpt, parse.GetValue(data), n, parse.GetValue(classifierData), parse.GetValue(cache), parse.GetValue(seed), parse.GetValue(pr), options);
        });
        return command;
    }

    static int ClassifierOnly(string? data, int size, string? classifierData, string? cacheDir, AttributeClassifierOptions options)
    {
        using var loaded = Datasets.Load(data, size, log: Console.Out);
        using var cached = Own(EvalSetup.Classifier(loaded, classifierData, cacheDir, options, Console.Out));
        Console.WriteLine(cached.Value.Report);
        return CliErrors.Ok;
    }

    static int Score(string ckpt, string? data, int count, string? classifierData, string? cacheDir, long seed, bool pr, AttributeClassifierOptions options)
    {
        // Read the header first: the real images are loaded at the generator's size, and a bad file fails before any work.
        int imageSize = GanTrainer.ReadHeader(ckpt).Options.Model.ImageSize;
        using var loaded = Datasets.Load(data, imageSize, log: Console.Out);
        using var cached = Own(EvalSetup.Classifier(loaded, classifierData, cacheDir, options, Console.Out));
        var classifier = cached.Value;
        Console.WriteLine($"classifier held-out: {string.Join(", ", classifier.Report.Attributes.Select(a => a.ToString()))}");
        using var trainer = GanTrainer.Load(ckpt);
        using var evaluator = new Evaluator(classifier.Classifier, loaded.Dataset);
        long batch = 0;
        var report = evaluator.Evaluate(k => trainer.Sample(k, seed + batch++), new EvaluationOptions(Count: count, PrecisionRecall: pr));
        Console.WriteLine($"generator: {ckpt}, epoch {trainer.Epoch}, iteration {trainer.Iteration}");
        Console.WriteLine(report);
        if (trainer.IsConditional)
            Console.WriteLine($"attribute control ({count} faces for conditions drawn from the data's labels, read by the classifier):\n" +
                              AttributeControl.Measure(classifier.Classifier, trainer, count, seed));
        if (trainer.IsConditional)
            Console.WriteLine(FormattableString.Invariant(
                $"noise variety: {NoiseVariety.Measure(trainer, Math.Min(count, 500), seed):0.000} mean |G(z1, c) - G(z2, c)| over {Math.Min(count, 500)} conditions ") +
                FormattableString.Invariant($"(built-in faces, same attributes, other nuisance: {NoiseVariety.BuiltInReference(200, trainer.Options.Model.ImageSize):0.000}; 0 = G ignores z)"));
        var record = EvaluationRecord.From(report, trainer.Epoch, trainer.Iteration, Path.GetFileName(classifier.Path), Path.GetFullPath(ckpt));
        var metrics = MetricsLog.PathIn(RunFolder.OfCheckpoint(ckpt).Root);
        MetricsLog.Append(metrics, record);
        Console.WriteLine($"metrics: appended to {metrics}");
        return CliErrors.Ok;
    }

    static Owned Own(CachedClassifier c) => new(c);

    /// <summary>Disposes the classifier's network when the command is done.</summary>
    sealed class Owned(CachedClassifier value) : IDisposable
    {
        public CachedClassifier Value { get; } = value;
        public void Dispose() => Value.Classifier.Dispose();
    }
}
