using System.Diagnostics;
using TorchSharp;
using WaifuLab.Backend;
using WaifuLab.Data;
using static TorchSharp.torch;

namespace WaifuLab.Evaluation;

/// <summary>
/// A small CNN trained on a labelled image set to read every attribute of a <see cref="LabelSchema"/>. Its
/// penultimate features are WaifuLab's in-domain substitute for Inception features (FID, KID, precision/recall);
/// its predictions measure whether a conditional generator draws what it was asked for.
/// </summary>
public sealed class AttributeClassifier : IDisposable
{
    private readonly AttributeClassifierNetwork network;
    private readonly Device device;

    private AttributeClassifier(AttributeClassifierNetwork network, LabelSchema schema, int imageSize, AttributeClassifierOptions options, ClassifierReport? report, Device device)
    {
        this.network = network;
        this.device = device;
        Schema = schema;
        ImageSize = imageSize;
        Options = options;
        Report = report;
    }

    public LabelSchema Schema { get; }
    /// <summary>Side of the square images it was trained on; it reads only images of this size.</summary>
    public int ImageSize { get; }
    public AttributeClassifierOptions Options { get; }
    /// <summary>The held-out scores from training (kept in the saved file).</summary>
    public ClassifierReport? Report { get; private set; }
    /// <summary>Dimensions of a feature vector.</summary>
    public int FeatureDimensions => Options.Features;

    /// <summary>
    /// Trains on <paramref name="dataset"/>, whose condition vectors must follow <paramref name="schema"/>. A seeded
    /// random <see cref="AttributeClassifierOptions.HoldOutFraction"/> of the images is kept out and scored.
    /// </summary>
    public static (AttributeClassifier Classifier, ClassifierReport Report) Train(
        ImageDataset dataset, LabelSchema schema, AttributeClassifierOptions? options = null,
        IProgress<ClassifierEpoch>? progress = null, CancellationToken ct = default)
    {
        TorchBackend.EnsureLoaded();
        options ??= new AttributeClassifierOptions();
        options.Validate();
        if (dataset.Conditions is null)
            throw new ArgumentException($"the dataset {dataset.Source} has no labels (conditions); the attribute classifier needs a labelled set");
        if (dataset.ConditionSize != schema.Width)
            throw new ArgumentException($"the dataset's condition vectors have {dataset.ConditionSize} entries but the schema ({string.Join(", ", schema.Attributes)}) needs {schema.Width}");
        int holdOut = options.HoldOutFraction > 0 ? Math.Max(1, (int)Math.Round(dataset.Count * options.HoldOutFraction)) : 0;
        // TrainImages caps the training split (the hold-out still comes from the whole set, so it is measured on as
        // many images as without the cap): most of the accuracy comes from the first few thousand images.
        int trainCount = Math.Min(dataset.Count - holdOut, options.TrainImages ?? int.MaxValue);
        if (trainCount < 2)
            throw new ArgumentException($"the dataset holds {dataset.Count} images; with a hold-out of {holdOut} fewer than 2 are left to train on");

        var device = TorchBackend.Resolve(options.Device);
        var clock = Stopwatch.StartNew();
        var generator = new Generator((ulong)options.Seed);
        AttributeClassifierNetwork network;
        lock (SeedLock)
        {
            // Weight initialisation draws from the global generator; seed it so a run is repeatable.
            random.manual_seed(options.Seed);
            network = new AttributeClassifierNetwork(options.Features, schema.Width);
        }
        network.to(device);
        var classifier = new AttributeClassifier(network, schema, dataset.Size, options, null, device);
        try
        {
            using var split = randperm(dataset.Count, generator: generator);
            using var heldOutIndex = split.narrow(0, 0, holdOut);
            using var trainIndex = split.narrow(0, holdOut, trainCount);
            using var optimizer = optim.Adam(network.parameters(), lr: options.Lr);
            // Cosine decay to zero over all steps: the last epochs settle the features instead of jittering.
            int stepsPerEpoch = (trainCount - 2) / options.BatchSize + 1;
            var schedule = optim.lr_scheduler.CosineAnnealingLR(optimizer, options.Epochs * stepsPerEpoch);
            double loss = double.NaN;
            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                network.train();
                double sum = 0;
                int batches = 0;
                using var shuffle = randperm(trainCount, generator: generator);
                using var order = trainIndex.index_select(0, shuffle);
                for (int start = 0; start + 2 <= trainCount; start += options.BatchSize)
                {
                    ct.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    var index = order.narrow(0, start, Math.Min(options.BatchSize, trainCount - start));
                    var images = dataset.Images.index_select(0, index).to(device);
                    var targets = dataset.Conditions.index_select(0, index).to(device);
                    if (options.FlipAugment)
                    {
                        var flip = (rand(index.shape[0], generator: generator) < 0.5).view(-1, 1, 1, 1).to(device);
                        images = where(flip, images.flip(3), images);
                    }
                    var batchLoss = Loss(schema, network.forward(images), targets);
                    optimizer.zero_grad();
                    batchLoss.backward();
                    optimizer.step();
                    schedule.step();
                    sum += batchLoss.item<float>();
                    batches++;
                }
                loss = sum / Math.Max(1, batches);
                progress?.Report(new ClassifierEpoch(epoch, options.Epochs, loss, clock.Elapsed));
            }
            double msPerEpoch = clock.Elapsed.TotalMilliseconds / options.Epochs;
            var scores = holdOut > 0 ? classifier.Score(dataset, heldOutIndex) : schema.Attributes
                .Select(a => new AttributeScore(a.Name, a.Kind, double.NaN, double.NaN)).ToList();
            var report = new ClassifierReport(scores, trainCount, holdOut, options.Epochs, loss, msPerEpoch, clock.Elapsed);
            classifier.Report = report;
            return (classifier, report);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    static readonly object SeedLock = new();
    const double ContinuousWeight = 12;

    /// <summary>
    /// Sum over attributes: cross-entropy per categorical block, squared error per continuous value times 12.
    /// The factor is 1/Var(U(0,1)): always guessing the middle then costs ~1, as guessing at random does under
    /// cross-entropy (ln K), so continuous attributes are not drowned out by categorical ones.
    /// </summary>
    static Tensor Loss(LabelSchema schema, Tensor outputs, Tensor targets)
    {
        Tensor? total = null;
        int offset = 0;
        foreach (var a in schema.Attributes)
        {
            var term = a.Kind == AttributeKind.Categorical
                ? nn.functional.cross_entropy(outputs.narrow(1, offset, a.Width), targets.narrow(1, offset, a.Width).argmax(1))
                : nn.functional.mse_loss(outputs.narrow(1, offset, 1), targets.narrow(1, offset, 1)) * ContinuousWeight;
            total = total is null ? term : total + term;
            offset += a.Width;
        }
        return total!;
    }

    List<AttributeScore> Score(ImageDataset dataset, Tensor index)
    {
        using var images = dataset.Images.index_select(0, index);
        using var targets = dataset.Conditions!.index_select(0, index);
        var predicted = Predict(images);
        var truth = Decode(targets);
        return Schema.Attributes.Select(a => a.Kind == AttributeKind.Categorical
            ? new AttributeScore(a.Name, a.Kind, predicted.Classes(a.Name).Zip(truth.Classes(a.Name)).Average(p => p.First == p.Second ? 1.0 : 0.0), double.NaN)
            : new AttributeScore(a.Name, a.Kind, double.NaN, predicted.Values(a.Name).Zip(truth.Values(a.Name)).Average(p => Math.Abs(p.First - p.Second))))
            .ToList();
    }

    /// <summary>Feature vectors (N, <see cref="FeatureDimensions"/>) of images (N,3,S,S) in [-1,1]: eval mode, no gradients, batched; float32 on the CPU.</summary>
    public Tensor Features(Tensor images, int batchSize = 256) => Run(images, batchSize, network.Features);

    /// <summary>
    /// Feature vectors (N, <see cref="FeatureDimensions"/>) of images (N,3,S,S) in [-1,1] with gradients flowing back
    /// to the images: the feature loss of projection. Eval mode (batch norm uses its running statistics, so an image's
    /// features do not depend on its batch); the weights are frozen (no gradients kept for them). One batch, on the
    /// classifier's device.
    /// </summary>
    public Tensor FeaturesDifferentiable(Tensor images)
    {
        TorchBackend.EnsureLoaded();
        if (images.dim() != 4 || images.shape[1] != 3)
            throw new ArgumentException($"images must have shape (N,3,S,S), got ({string.Join(",", images.shape)})", nameof(images));
        if (images.shape[2] != ImageSize || images.shape[3] != ImageSize)
            throw new ArgumentException($"the classifier reads {ImageSize} px images (it was trained on them); got {images.shape[2]}x{images.shape[3]}. Resize the images or train a classifier at this size.", nameof(images));
        network.eval();
        // A trained classifier is never trained again: freezing its weights keeps backward from filling their gradients.
        foreach (var p in network.parameters()) if (p.requires_grad) p.requires_grad_(false);
        return network.Features(images.to(device));
    }

    /// <summary>Features of <paramref name="count"/> images drawn from <paramref name="generate"/> (n -> (n,3,S,S) in [-1,1]) in batches; each batch is disposed after use.</summary>
    public Tensor Features(Func<int, Tensor> generate, int count, int batchSize = 100)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be positive");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be positive");
        var parts = new List<Tensor>();
        try
        {
            for (int done = 0; done < count; done += batchSize)
            {
                int n = Math.Min(batchSize, count - done);
                using var batch = generate(n);
                if (batch.dim() != 4 || batch.shape[0] != n)
                    throw new ArgumentException($"the generator was asked for {n} images and returned shape ({string.Join(",", batch.shape)}); it must return (n,3,S,S)");
                parts.Add(Features(batch, batchSize));
            }
            return cat(parts, 0);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    /// <summary>The network's raw outputs (logits per categorical block, scaled value per continuous attribute), (N, schema width).</summary>
    internal Tensor Outputs(Tensor images, int batchSize = 256) => Run(images, batchSize, network.forward);

    /// <summary>Per-attribute predictions for images (N,3,S,S) in [-1,1].</summary>
    public AttributePredictions Predict(Tensor images, int batchSize = 256)
    {
        using var outputs = Outputs(images, batchSize);
        return Decode(outputs);
    }

    /// <summary>Predictions as condition vectors (N, schema width): one-hot per categorical attribute, [0,1]-scaled value per continuous one.</summary>
    public Tensor PredictVectors(Tensor images, int batchSize = 256)
    {
        using var scope = NewDisposeScope();
        var outputs = Outputs(images, batchSize);
        var blocks = new List<Tensor>();
        int offset = 0;
        foreach (var a in Schema.Attributes)
        {
            var block = outputs.narrow(1, offset, a.Width);
            blocks.Add(a.Kind == AttributeKind.Categorical
                ? nn.functional.one_hot(block.argmax(1), a.Width).to(float32)
                : block.clamp(0, 1));
            offset += a.Width;
        }
        return cat(blocks, 1).MoveToOuterDisposeScope();
    }

    /// <summary>Reads condition-vector-shaped rows (outputs or targets): arg-max per block, value per continuous entry in the attribute's units.</summary>
    AttributePredictions Decode(Tensor vectors)
    {
        var classes = new Dictionary<string, int[]>(StringComparer.OrdinalIgnoreCase);
        var values = new Dictionary<string, double[]>(StringComparer.OrdinalIgnoreCase);
        int offset = 0;
        foreach (var a in Schema.Attributes)
        {
            using var block = vectors.narrow(1, offset, a.Width);
            if (a.Kind == AttributeKind.Categorical)
            {
                using var best = block.argmax(1);
                classes[a.Name] = best.data<long>().Select(v => (int)v).ToArray();
            }
            else
            {
                using var scaled = block.squeeze(1).clamp(0, 1).to(float64).contiguous();
                values[a.Name] = scaled.data<double>().Select(v => a.Min + v * (a.Max - a.Min)).ToArray();
            }
            offset += a.Width;
        }
        return new AttributePredictions(Schema, (int)vectors.shape[0], classes, values);
    }

    Tensor Run(Tensor images, int batchSize, Func<Tensor, Tensor> f)
    {
        TorchBackend.EnsureLoaded();
        if (images.dim() != 4 || images.shape[1] != 3)
            throw new ArgumentException($"images must have shape (N,3,S,S), got ({string.Join(",", images.shape)})", nameof(images));
        if (images.shape[2] != ImageSize || images.shape[3] != ImageSize)
            throw new ArgumentException($"the classifier reads {ImageSize} px images (it was trained on them); got {images.shape[2]}x{images.shape[3]}. Resize the images or train a classifier at this size.", nameof(images));
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be positive");
        network.eval();
        using var noGrad = no_grad();
        var parts = new List<Tensor>();
        try
        {
            for (long start = 0; start < images.shape[0]; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var batch = images.narrow(0, start, Math.Min(batchSize, images.shape[0] - start)).to(float32).to(device);
                parts.Add(f(batch).to(CPU).MoveToOuterDisposeScope());
            }
            return parts.Count == 1 ? parts[0].alias() : cat(parts, 0);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    /// <summary>Writes the classifier (header with schema, image size, options and report, then weights); atomic: a temporary file moved over the target.</summary>
    public void Save(string path) => WaifuLab.Training.AtomicFile.Write(path, stream =>
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        ClassifierFile.WriteHeader(writer, new ClassifierFile.Header(Schema, ImageSize, Options, Report));
        network.save(writer);
    });

    /// <summary>Reads a classifier written by <see cref="Save"/>; throws <see cref="InvalidDataException"/> naming the file if it is not one.</summary>
    public static AttributeClassifier Load(string path, ComputeDevice device = ComputeDevice.Auto)
    {
        TorchBackend.EnsureLoaded();
        if (!File.Exists(path)) throw new FileNotFoundException($"no classifier file at {path}", path);
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        var header = ClassifierFile.ReadHeader(reader, path);
        var network = new AttributeClassifierNetwork(header.Options.Features, header.Schema.Width);
        try
        {
            network.load(reader);
        }
        catch (Exception e) when (e is ArgumentException or EndOfStreamException or FormatException or InvalidOperationException)
        {
            network.Dispose();
            throw new InvalidDataException($"{path}: the classifier weights are damaged or do not match its header ({e.Message}); retrain it", e);
        }
        var target = TorchBackend.Resolve(device);
        network.to(target);
        network.eval();
        return new AttributeClassifier(network, header.Schema, header.ImageSize, header.Options with { Device = device }, header.Report, target);
    }

    public void Dispose() => network.Dispose();
}
