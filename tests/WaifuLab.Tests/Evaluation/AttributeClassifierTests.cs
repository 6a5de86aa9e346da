using System.Diagnostics;
using WaifuLab.Backend;
using WaifuLab.Data;
using WaifuLab.Evaluation;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Evaluation;

/// <summary>Trains one small classifier on toy squares for the whole class (a few seconds).</summary>
public sealed class ToyClassifierFixture : IDisposable
{
    public static readonly AttributeClassifierOptions Options = new(Epochs: 6, BatchSize: 32, Lr: 2e-3, Features: 64, Seed: 3, Device: ComputeDevice.Cpu);

    public ToyClassifierFixture()
    {
        Data = ToySquares.Make(800, seed: 1);
        var clock = Stopwatch.StartNew();
        (Classifier, Report) = AttributeClassifier.Train(Data, ToySquares.Schema, Options);
        TrainSeconds = clock.Elapsed.TotalSeconds;
    }

    public ImageDataset Data { get; }
    public AttributeClassifier Classifier { get; }
    public ClassifierReport Report { get; }
    public double TrainSeconds { get; }

    public void Dispose()
    {
        Classifier.Dispose();
        Data.Dispose();
    }
}

public class AttributeClassifierTests(ToyClassifierFixture toy, ITestOutputHelper output) : IClassFixture<ToyClassifierFixture>
{
    [Fact]
    public void Training_reads_colour_and_size_of_held_out_images()
    {
        output.WriteLine($"{toy.Report}\ntrained in {toy.TrainSeconds:0.0} s");
        Assert.Equal(80, toy.Report.HeldOutCount);
        Assert.Equal(720, toy.Report.TrainCount);
        Assert.True(toy.Report["colour"].Accuracy >= 0.95, toy.Report.ToString());
        Assert.True(toy.Report["side"].MeanAbsoluteError < 1.0, toy.Report.ToString());   // pixels, range 3..10
        Assert.True(double.IsNaN(toy.Report["side"].Accuracy));
    }

    [Fact]
    public void Features_predictions_and_vectors_have_the_documented_shapes()
    {
        using var images = toy.Data.Images.narrow(0, 0, 10);
        using var features = toy.Classifier.Features(images, batchSize: 3);
        Assert.Equal(new long[] { 10, 64 }, features.shape);
        Assert.Equal(64, toy.Classifier.FeatureDimensions);
        var predictions = toy.Classifier.Predict(images);
        Assert.Equal(10, predictions.Classes("colour").Length);
        Assert.All(predictions.Values("side"), v => Assert.InRange(v, 3, 10));
        Assert.All(predictions.Names("colour"), n => Assert.Contains(n, ToySquares.Schema["colour"].Values));
        using var vectors = toy.Classifier.PredictVectors(images);
        Assert.Equal(new long[] { 10, ToySquares.Schema.Width }, vectors.shape);
        using var blockSums = vectors.narrow(1, 0, 3).sum(1);
        Assert.True(blockSums.eq(1).all().item<bool>(), "one-hot colour block");
        // Batching must not change the result (eval mode: batch norm uses running statistics).
        using var whole = toy.Classifier.Features(images, batchSize: 256);
        Assert.True(whole.allclose(features, 1e-5, 1e-5));
    }

    [Fact]
    public void Images_of_another_size_and_unlabelled_datasets_are_refused_with_a_clear_message()
    {
        using var wrong = zeros(2, 3, 32, 32);
        var e = Assert.Throws<ArgumentException>(() => toy.Classifier.Features(wrong));
        Assert.Contains("16 px", e.Message);
        using var unlabelled = new ImageDataset(zeros(4, 3, 16, 16), null, "plain");
        e = Assert.Throws<ArgumentException>(() => AttributeClassifier.Train(unlabelled, ToySquares.Schema));
        Assert.Contains("no labels", e.Message);
    }

    [Fact]
    public void Save_and_load_give_identical_features_and_keep_the_report()
    {
        var dir = Directory.CreateTempSubdirectory("waifulab-cls-");
        try
        {
            var path = Path.Combine(dir.FullName, "sub", "classifier.wlc");
            toy.Classifier.Save(path);
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));   // no temporary file left behind
            using var loaded = AttributeClassifier.Load(path, ComputeDevice.Cpu);
            using var images = toy.Data.Images.narrow(0, 0, 20);
            using var before = toy.Classifier.Features(images);
            using var after = loaded.Features(images);
            Assert.True(before.allclose(after, 0, 0), "bit-identical features");
            Assert.Equal(16, loaded.ImageSize);
            Assert.Equal(ToySquares.Schema.Attributes.Select(a => a.ToString()), loaded.Schema.Attributes.Select(a => a.ToString()));
            Assert.Equal(toy.Report["colour"].Accuracy, loaded.Report!["colour"].Accuracy);
            Assert.Equal(ToyClassifierFixture.Options with { Device = ComputeDevice.Cpu }, loaded.Options);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Loading_something_else_is_reported_as_invalid_data_naming_the_file()
    {
        var dir = Directory.CreateTempSubdirectory("waifulab-cls-");
        try
        {
            var path = Path.Combine(dir.FullName, "not-a-classifier.wlc");
            File.WriteAllText(path, "hello");
            var e = Assert.Throws<InvalidDataException>(() => AttributeClassifier.Load(path));
            Assert.Contains(path, e.Message);
            // A real header with truncated weights.
            var good = Path.Combine(dir.FullName, "good.wlc");
            toy.Classifier.Save(good);
            var bytes = File.ReadAllBytes(good);
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
            Assert.Throws<InvalidDataException>(() => AttributeClassifier.Load(path));
            Assert.Throws<FileNotFoundException>(() => AttributeClassifier.Load(Path.Combine(dir.FullName, "missing.wlc")));
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Cache_trains_once_and_then_reuses_the_saved_classifier()
    {
        var dir = Directory.CreateTempSubdirectory("waifulab-cache-");
        try
        {
            using var data = ToySquares.Make(64, seed: 5);
            var options = new AttributeClassifierOptions(Epochs: 1, BatchSize: 16, Features: 16, Device: ComputeDevice.Cpu);
            var epochs = new EpochLog();
            var first = ClassifierCache.GetOrTrain(data, ToySquares.Schema, dir.FullName, options, epochs);
            Assert.Single(epochs.Seen);
            var second = ClassifierCache.GetOrTrain(data, ToySquares.Schema, dir.FullName, options, epochs);
            Assert.Single(epochs.Seen);                                  // no training on the second call
            try
            {
                Assert.True(first.Trained);
                Assert.False(second.Trained);
                Assert.Equal(first.Path, second.Path);
                using var a = first.Classifier.Features(data.Images);
                using var b = second.Classifier.Features(data.Images);
                Assert.True(a.allclose(b, 0, 0), "bit-identical features");
                Assert.Equal(first.Report.FinalLoss, second.Report.FinalLoss);
            }
            finally { first.Classifier.Dispose(); second.Classifier.Dispose(); }

            // Other pixels, other options or another device: the key follows what changes the result.
            using var other = ToySquares.Make(64, seed: 6);
            Assert.NotEqual(ClassifierCache.Key(data, ToySquares.Schema, options), ClassifierCache.Key(other, ToySquares.Schema, options));
            Assert.NotEqual(ClassifierCache.Key(data, ToySquares.Schema, options), ClassifierCache.Key(data, ToySquares.Schema, options with { Epochs = 2 }));
            Assert.Equal(ClassifierCache.Key(data, ToySquares.Schema, options), ClassifierCache.Key(data, ToySquares.Schema, options with { Device = ComputeDevice.Auto }));
        }
        finally { dir.Delete(true); }
    }

    sealed class EpochLog : IProgress<ClassifierEpoch>
    {
        public List<ClassifierEpoch> Seen { get; } = [];
        public void Report(ClassifierEpoch value) => Seen.Add(value);
    }

    [Fact]
    public void Training_can_be_cancelled()
    {
        using var data = ToySquares.Make(32, seed: 7);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => AttributeClassifier.Train(data, ToySquares.Schema, new AttributeClassifierOptions(Epochs: 1, Features: 8, Device: ComputeDevice.Cpu), ct: cts.Token));
    }

    [Fact]
    public void Fid_ranks_noise_far_worse_than_held_out_real_images()
    {
        using var evaluator = new Evaluator(toy.Classifier, toy.Data);
        using var heldOut = ToySquares.Make(200, seed: 2);
        var g = new Generator(8);
        var options = new EvaluationOptions(KidSubsets: 5, PrecisionRecall: true);
        var real = evaluator.Evaluate(heldOut.Images, options);
        var noise = evaluator.Evaluate(n => rand(n, 3, 16, 16, generator: g) * 2 - 1, options with { Count = 200 });
        output.WriteLine($"held-out real:\n{real}\n\nnoise:\n{noise}");
        Assert.True(noise.Fid > 10 * real.Fid, $"noise {noise.Fid} vs real {real.Fid}");
        Assert.True(noise.Kid.Mean > 10 * Math.Abs(real.Kid.Mean));
        Assert.True(real.Fid < 3 * real.FidFloor + 1e-3, $"held-out real {real.Fid} vs floor {real.FidFloor}");
        Assert.Equal(200, noise.FakeCount);
        Assert.Equal(200, noise.FloorCount);
        Assert.True(real.PrecisionRecall!.Precision > noise.PrecisionRecall!.Precision);
        Assert.Contains(real.Warnings, w => w.Contains("2,000"));
    }

    [Fact]
    public void Images_twice_the_classifiers_size_are_area_downsampled_to_it_on_both_sides()
    {
        // Each 16 px toy image blown up to 32 px by repeating pixels: averaging 2x2 blocks gives back the 16 px image exactly.
        static ImageDataset Up(ImageDataset d) => new(d.Images.repeat_interleave(2, 2).repeat_interleave(2, 3), source: d.Source + " at 32 px");
        using var real32 = Up(toy.Data);
        using var small = new Evaluator(toy.Classifier, toy.Data);
        using var large = new Evaluator(toy.Classifier, real32);
        Assert.Equal(32, large.ImageSize);
        using var heldOut = ToySquares.Make(200, seed: 2);
        using var heldOut32 = Up(heldOut);
        var options = new EvaluationOptions(KidSubsets: 5);
        var a = small.Evaluate(heldOut.Images, options);
        var b = large.Evaluate(heldOut32.Images, options);
        Assert.Equal(a.Fid, b.Fid, 3);
        Assert.Equal(a.FidFloor, b.FidFloor, 3);
        int offset = 0;
        var c = large.Evaluate(n => { var x = heldOut32.Images.narrow(0, offset, n).alias(); offset += n; return x; }, options with { Count = 200 });
        Assert.Equal(a.Fid, c.Fid, 3);
        // Images of neither size, and a real set not a whole multiple of the classifier's size, are refused by name.
        Assert.Contains("32 px", Assert.Throws<ArgumentException>(() => large.Evaluate(heldOut.Images, options)).Message);
        using var odd = new ImageDataset(rand(8, 3, 24, 24));
        Assert.Contains("24 px", Assert.Throws<ArgumentException>(() => new Evaluator(toy.Classifier, odd)).Message);
    }

    [Fact]
    public void Too_few_samples_for_the_feature_dimensions_are_warned_about()
    {
        using var evaluator = new Evaluator(toy.Classifier, toy.Data);
        using var few = toy.Data.Images.narrow(0, 0, 40);
        var report = evaluator.Evaluate(few);
        Assert.Contains(report.Warnings, w => w.Contains("unreliable") && w.Contains("64"));
        Assert.Contains("warning:", report.ToString());

        // More generated images than half the real set: the floor uses smaller halves and says so.
        using var many = ToySquares.Make(500, seed: 9);
        var large = evaluator.Evaluate(many.Images, new EvaluationOptions(KidSubsets: 2));
        Assert.Equal(400, large.FloorCount);
        Assert.Contains(large.Warnings, w => w.Contains("halves of 400"));
    }

    [Fact]
    public void Generated_attribute_accuracy_is_high_for_matching_conditions_and_near_chance_for_shuffled_ones()
    {
        using var heldOut = ToySquares.Make(200, seed: 4);
        var matching = GeneratedAttributeAccuracy.Compute(toy.Classifier, heldOut.Images, heldOut.Conditions!);
        output.WriteLine(matching.ToString());
        Assert.True(matching["colour"].Accuracy >= 0.9, matching.ToString());
        Assert.Equal(1.0 / 3, matching["colour"].Chance, 12);
        Assert.True(matching["side"].Spearman > 0.8, matching.ToString());

        using var shuffled = heldOut.Conditions!.roll(1, 0);   // each image asked for its neighbour's attributes
        var wrong = GeneratedAttributeAccuracy.Compute(toy.Classifier, heldOut.Images, shuffled);
        Assert.True(wrong["colour"].Accuracy < 0.6, wrong.ToString());
        Assert.True(Math.Abs(wrong["side"].Spearman) < 0.3, wrong.ToString());

        // The batched overload draws through a conditional "generator": here one that looks the images up.
        int next = 0;
        var viaGenerator = GeneratedAttributeAccuracy.Compute(toy.Classifier, c =>
        {
            var batch = heldOut.Images.narrow(0, next, c.shape[0]).clone();
            next += (int)c.shape[0];
            return batch;
        }, heldOut.Conditions!, batchSize: 64);
        Assert.Equal(matching["colour"].Accuracy, viaGenerator["colour"].Accuracy);
    }
}
