using System.Diagnostics;
using System.Text;
using TorchSharp;
using WaifuLab.Backend;
using WaifuLab.Conditional;
using WaifuLab.Data;
using WaifuLab.Imaging;
using WaifuLab.Models;
using WaifuLab.Models.Style;
using WaifuLab.Stabilizers;
using static TorchSharp.torch;

namespace WaifuLab.Training;

/// <summary>
/// The one training loop: builds G and D with <see cref="ModelFactory"/>, holds their two Adam optimisers, the EMA of G
/// and the run folder (options, history, per-epoch sample grids of a fixed noise batch, checkpoints), and runs the
/// <see cref="GanObjective"/> on every batch, for unconditional and conditional runs alike. With
/// <see cref="TrainOptions.Conditioning"/> set, G(z, c) and D(x, c) train on a labelled dataset: the checkpoint then
/// carries the label schema and the data's condition rows, so a loaded run samples by attribute
/// (<see cref="Sample(int, AttributeRequest?, long?)"/>).
/// Runs are reproducible from <see cref="TrainOptions.Seed"/>: weights, fixed noise, per-epoch shuffles and the
/// per-iteration draws (noise, fake conditions, flips, augmentations) each come from their own seeded generator, and the
/// per-iteration generator's state is checkpointed, so a resumed run continues exactly where it stopped (on the CPU,
/// where libtorch's kernels are deterministic).
/// </summary>
public sealed class GanTrainer : IDisposable
{
    readonly Device _device;
    readonly Generator _rng;
    readonly Tensor _fixedNoise;
    readonly nn.Module _g, _d;
    readonly TorchSharp.Modules.Adam _optimizerG, _optimizerD;
    readonly GanObjective _objective;
    readonly nn.Module? _shadow;
    readonly RunConditions? _conditions;
    int _dataCount;
    string? _dataFingerprint;
    int _currentEpoch;
    RunLock? _lock;

    /// <summary>
    /// Starts a new run in <paramref name="runFolder"/>; refuses a folder that already holds a checkpoint. A conditional
    /// run (<see cref="TrainOptions.Conditioning"/> set) needs the dataset's <paramref name="labels"/>
    /// (<see cref="ImageFolderResult.Schema"/>); an unconditional run ignores them.
    /// </summary>
    public GanTrainer(TrainOptions options, string runFolder, LabelSchema? labels = null) : this(options, new RunFolder(runFolder), labels)
    {
        try
        {
            // Lock first, then look: two trainers starting at once cannot both see an empty folder.
            TakeFolder();
            if (File.Exists(Folder.LastCheckpoint))
                throw new InvalidOperationException(
                    $"the run folder {runFolder} already holds a checkpoint: resume it (GanTrainer.Resume / --resume) or choose another folder");
            AtomicFile.WriteAllText(Folder.Options, TrainingJson.Serialize(Options));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    GanTrainer(TrainOptions options, RunFolder folder, LabelSchema? labels)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Validate();
        Folder = folder;
        TorchBackend.EnsureLoaded();
        if (options.Threads is { } threads) TorchBackend.SetThreads(threads);
        _device = TorchBackend.Resolve(options.Device);

        if (options.Conditioning is not null)
        {
            Labels = labels ?? throw new ArgumentException(
                "conditional training needs the dataset's labels: pass its LabelSchema (ImageFolderResult.Schema); a dataset without labels.csv cannot train conditionally (see data/README.md)", nameof(labels));
            if (labels.Width == 0) throw new ArgumentException("the label schema has no attributes; conditional training needs at least one", nameof(labels));
            _conditions = new RunConditions(labels);
        }
        using (var init = new Generator(DeriveSeed(options.Seed, 0), CPU))
            (_g, _d) = ModelFactory.Create(options, Labels, init, _device);
        if (options.EmaBeta > 0)
        {
            _shadow = ModelFactory.CreateGenerator(options, Labels);
            _shadow.to(_device);
            Ema = new Ema(_g, _shadow, options.EmaBeta, rampup: true);
        }
        _optimizerG = optim.Adam(_g.parameters(), lr: options.LrG, beta1: options.Beta1, beta2: options.Beta2);
        _optimizerD = optim.Adam(_d.parameters(), lr: options.LrD, beta1: options.Beta1, beta2: options.Beta2);
        using (var fixedGen = new Generator(DeriveSeed(options.Seed, 1), CPU))
            _fixedNoise = randn([options.SampleGridCount, options.Model.Nz], generator: fixedGen);
        _rng = new Generator(DeriveSeed(options.Seed, 2), CPU);
        bool paired = options.Objective.ModeSeekingWeight > 0;
        _objective = new GanObjective(options.Objective, _g, _d, _rng, instrument: options.Dominance is not null,
            layout: (_d as ConditionalDiscriminator)?.Options.Layout,
            drawFakeConditions: _conditions is null ? null : (n, device) => _conditions.Fake(n, device, _rng, paired));
        if (options.Dominance is { } dominance) Detector = new DominanceDetector(GanObjective.DetectorOptions(options.Objective, dominance));
    }

    public TrainOptions Options { get; }
    public RunFolder Folder { get; }
    /// <summary>The unconditional generator; a conditional run has <see cref="ConditionalGenerator"/> instead.</summary>
    public DcganGenerator Generator => _g as DcganGenerator ?? throw ConditionalRun(nameof(ConditionalGenerator));
    /// <summary>The unconditional discriminator; a conditional run has <see cref="ConditionalDiscriminator"/> instead.</summary>
    public DcganDiscriminator Discriminator => _d as DcganDiscriminator ?? throw ConditionalRun(nameof(ConditionalDiscriminator));
    /// <summary>G(z, c) of a conditional run; null for an unconditional one.</summary>
    public ConditionalGenerator? ConditionalGenerator => _g as ConditionalGenerator;
    /// <summary>
    /// The G(z, c) that sampling, grids and evaluation use: the moving average of <see cref="ConditionalGenerator"/>'s
    /// weights when <see cref="TrainOptions.EmaBeta"/> is set, else G itself; null for an unconditional run.
    /// </summary>
    public ConditionalGenerator? ConditionalSamplingGenerator => _conditions is null ? null : Sampler as ConditionalGenerator;
    /// <summary>G of a style run (architecture "style"); null for other architectures.</summary>
    public StyleGenerator? StyleGenerator => _g as StyleGenerator;
    /// <summary>The style G that sampling uses: G's EMA when enabled, else G; null for other architectures.</summary>
    public StyleGenerator? StyleSamplingGenerator => Sampler as StyleGenerator;
    /// <summary>D(x, c) of a conditional run; null for an unconditional one.</summary>
    public ConditionalDiscriminator? ConditionalDiscriminator => _d as ConditionalDiscriminator;
    public bool IsConditional => _conditions is not null;
    /// <summary>The attributes a conditional run is trained on (stored in its checkpoints); null when unconditional.</summary>
    public LabelSchema? Labels { get; }
    /// <summary>The training data's condition rows (unrequested attributes are drawn from them); null before a conditional run has seen data.</summary>
    public ConditionPool? ConditionPool => _conditions?.Pool;
    public TrainHistory History { get; private set; } = new();
    /// <summary>Iterations completed so far (over all epochs).</summary>
    public long Iteration { get; private set; }
    /// <summary>Epochs completed so far.</summary>
    public int Epoch { get; private set; }
    /// <summary>The checkpoint most recently written or loaded, or null.</summary>
    public string? LastCheckpoint { get; private set; }

    /// <summary>
    /// Raised on the training thread after each full epoch, once its fixed-noise grid is saved (and the checkpoint,
    /// when due): notebooks show the grid inline, evaluation hooks score the generator here.
    /// </summary>
    public event Action<int, PngImage>? EpochCompleted;
    public torch.Device Device => _device;

    /// <summary>The objective every iteration runs (its terms: <see cref="TrainOptions.Objective"/>).</summary>
    public GanObjective Objective => _objective;

    /// <summary>The moving average of G's weights (<see cref="TrainOptions.EmaBeta"/>), or null when off.</summary>
    public Ema? Ema { get; }

    /// <summary>
    /// Marks the run's D-dominated iterations (the "dominated" column) when <see cref="TrainOptions.Dominance"/> is set,
    /// else null; subscribe to its EpisodeStarted to warn.
    /// </summary>
    public DominanceDetector? Detector { get; }

    /// <summary>The generator that <see cref="Sample(int, long?)"/> and <see cref="Generate(Tensor)"/> use: G's EMA when enabled, else G.</summary>
    public DcganGenerator SamplingGenerator => Sampler as DcganGenerator ?? throw ConditionalRun(nameof(ConditionalSamplingGenerator));

    /// <summary>
    /// G's moving average when there is one (its BatchNorm statistics recomputed for the averaged weights whenever these
    /// have changed: <see cref="StandingStatistics"/>), else G.
    /// </summary>
    nn.Module Sampler
    {
        get
        {
            if (_shadow is null) return _g;
            if (Ema!.StatisticsStale)
            {
                var shadow = (IGanGenerator)_shadow;
                using var noise = new Generator((ulong)StandingStatistics.Seed, CPU); // its own stream: the run's draws stay as they are
                Ema.EnsureStandingStatistics(StandingStatistics.Batches, k =>
                {
                    using var scope = NewDisposeScope();
                    var z = randn([Options.BatchSize, Options.Model.Nz], generator: noise).to(_device);
                    shadow.Generate(z, _conditions?.Standing(Options.BatchSize, k).to(_device));
                });
            }
            return _shadow;
        }
    }

    /// <summary>
    /// Continues the run in <paramref name="runFolder"/> from its last checkpoint. <paramref name="adjust"/> may change how
    /// long it runs, the learning rates, device, threads and reporting, but not what is trained (model, batch, seed, flips).
    /// </summary>
    public static GanTrainer Resume(string runFolder, Func<TrainOptions, TrainOptions>? adjust = null)
    {
        var folder = new RunFolder(runFolder);
        if (!File.Exists(folder.LastCheckpoint))
            throw new FileNotFoundException($"nothing to resume: {folder.LastCheckpoint} does not exist", folder.LastCheckpoint);
        var runLock = RunLock.Acquire(folder.Root);
        GanTrainer trainer;
        try
        {
            trainer = Open(folder.LastCheckpoint, folder, adjust);
        }
        catch
        {
            runLock.Dispose();
            throw;
        }
        trainer._lock = runLock;
        trainer.RemoveOrphans();
        return trainer;
    }

    /// <summary>Opens a checkpoint (e.g. for sampling); training it further continues its run folder.</summary>
    public static GanTrainer Load(string checkpointPath) => Open(checkpointPath, RunFolder.OfCheckpoint(checkpointPath), null);

    /// <summary>Reads only the header of a checkpoint (options, iteration, epoch).</summary>
    public static CheckpointHeader ReadHeader(string checkpointPath) => CheckpointFile.ReadHeader(checkpointPath);

    /// <summary>
    /// Trains until <see cref="TrainOptions.Epochs"/> (or <see cref="TrainOptions.MaxIterations"/>) are done, continuing from
    /// <see cref="Iteration"/>. Writes a sample grid every epoch, a checkpoint every <see cref="TrainOptions.CheckpointEveryEpochs"/>
    /// and at the end, and final.png. On cancellation it checkpoints and throws <see cref="OperationCanceledException"/>;
    /// on a non-finite loss it throws <see cref="TrainingDivergedException"/> without touching the last checkpoint.
    /// </summary>
    public TrainHistory Train(ImageDataset data, IProgress<TrainProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Size != Options.Model.ImageSize)
            throw new ArgumentException($"the dataset {data.Source} holds {data.Size} px images but the model makes {Options.Model.ImageSize} px: load it at {Options.Model.ImageSize} px", nameof(data));
        if (_dataCount != 0 && _dataCount != data.Count)
            throw new ArgumentException($"this run was trained on {_dataCount} images but the dataset {data.Source} holds {data.Count}: resume with the same data", nameof(data));
        if (_dataFingerprint is not null && data.Fingerprint is not null && _dataFingerprint != data.Fingerprint)
            throw new ArgumentException($"this run was trained on other files than those in {data.Source} (same count, other names or sizes): resume with the same data", nameof(data));
        if (_lock is null) TakeFolder(); // a loaded checkpoint trained further writes its run folder: lock it now
        _conditions?.UseData(data);
        _dataCount = data.Count;
        _dataFingerprint = data.Fingerprint ?? _dataFingerprint;
        int batch = Math.Min(Options.BatchSize, data.Count);
        int perEpoch = data.Count / batch; // drop the ragged last batch: a tiny batch makes BatchNorm statistics noisy
        long total = (long)Options.Epochs * perEpoch;
        if (Options.MaxIterations is { } max) total = Math.Min(total, max);
        Directory.CreateDirectory(Folder.Root);

        var clock = Stopwatch.StartNew();
        long startIteration = Iteration;
        try
        {
            while (Iteration < total)
            {
                int epoch = (int)(Iteration / perEpoch) + 1;
                _currentEpoch = epoch;
                using var order = EpochOrder(epoch, data.Count);
                for (long b = Iteration % perEpoch; b < perEpoch && Iteration < total; b++)
                {
                    if (ct.IsCancellationRequested)
                    {
                        SaveCheckpoint();
                        ct.ThrowIfCancellationRequested();
                    }
                    TrainStep step;
                    using (var scope = NewDisposeScope())
                    {
                        var rows = order.narrow(0, b * batch, batch);
                        var real = data.Images.index_select(0, rows);
                        if (Options.FlipAugment)
                        {
                            var flip = rand([batch], generator: _rng).lt(0.5).view(-1, 1, 1, 1);
                            real = where(flip, real.flip(3), real);
                        }
                        step = TrainOn(real, _conditions is null ? null : data.Conditions!.index_select(0, rows));
                    }
                    progress?.Report(new TrainProgress(step, total, perEpoch, Options.Epochs,
                        (Iteration - startIteration) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9)));
                    if (CheckpointDue && Iteration % perEpoch != 0) SaveCheckpoint(); // epoch ends save after their grid, below
                }
                if (Iteration % perEpoch == 0)
                {
                    Epoch = epoch;
                    var grid = SaveSampleGrid(Folder.SampleGrid(epoch));
                    if (epoch % Options.CheckpointEveryEpochs == 0 || CheckpointDue) SaveCheckpoint();
                    EpochCompleted?.Invoke(epoch, grid);
                }
            }
            if (LastCheckpointIteration != Iteration) SaveCheckpoint();
            SaveSampleGrid(Folder.Final);
            return History;
        }
        catch (TrainingDivergedException)
        {
            History.Save(Folder.History); // keep the diverged rows for diagnosis; resume drops rows past the checkpoint
            throw;
        }
    }

    /// <summary>
    /// One training iteration on this batch of real images (N,3,S,S) in [-1,1], exactly as <see cref="Train"/> does it:
    /// draws the noise (and a conditional run's fake conditions), runs the <see cref="GanObjective"/>, updates the EMA,
    /// records the step. Throws <see cref="TrainingDivergedException"/> on a non-finite loss. A conditional run needs the
    /// batch's <paramref name="conditions"/> (N,C) too, and the data's condition rows (given by <see cref="Train"/>) to
    /// draw fake conditions from.
    /// </summary>
    public TrainStep TrainOn(Tensor real, Tensor? conditions = null)
    {
        if (_conditions is not null && conditions is null)
            throw new ArgumentException("this run is conditional: pass the batch's conditions (N,C) with the images", nameof(conditions));
        if (_conditions is null && conditions is not null)
            throw new ArgumentException("this run is unconditional: its batches carry no conditions (set TrainOptions.Conditioning to train a conditional GAN)", nameof(conditions));
        var clock = Stopwatch.StartNew();
        UpdateResult r;
        using (var scope = NewDisposeScope())
        {
            int n = (int)real.shape[0];
            var noise = randn([n, Options.Model.Nz], generator: _rng).to(_device);
            var x = real.to(_device);
            var batch = _conditions is null
                ? new GanBatch(x, noise)
                : new GanBatch(x, noise, conditions!.to(float32).to(_device),
                    _conditions.Fake(n, _device, _rng, paired: Options.Objective.ModeSeekingWeight > 0));
            r = _objective.Step(batch, _optimizerG, _optimizerD);
        }
        Ema?.Update();
        var extra = r.Extra;
        if (Detector is not null)
        {
            var e = r.Extra!;
            bool dominated = Detector.Add(new DominanceRecord(Iteration + 1, r.DReal, r.DFakeBefore, r.LossG, e["grad_norm_g"], e["d_acc_real"], e["d_acc_fake"]));
            extra = new Dictionary<string, double>(e) { ["dominated"] = dominated ? 1 : 0 };
        }
        Iteration++;
        var step = new TrainStep(Iteration, Math.Max(_currentEpoch, Epoch + 1), r.LossD, r.LossG, r.DReal, r.DFakeBefore, r.DFakeAfter,
            clock.Elapsed.TotalMilliseconds) { Extra = extra };
        History.Add(step);
        if (!step.IsFinite)
            throw new TrainingDivergedException(Iteration, $"Loss_D = {r.LossD}, Loss_G = {r.LossG}", LastCheckpoint);
        if (Options.GcEvery > 0 && Iteration % Options.GcEvery == 0) GC.Collect();
        return step;
    }

    /// <summary><paramref name="count"/> images (N,3,S,S) in [-1,1] on the CPU from G in eval mode; the same seed gives the same images.</summary>
    public Tensor Sample(int count, long? seed = null) => Sample(count, null, seed);

    /// <summary>
    /// <paramref name="count"/> images with the attributes of <paramref name="request"/> (conditional runs; see
    /// <see cref="Request"/>); unrequested attributes are drawn from the data's condition rows. An unconditional run
    /// refuses a request. The same seed gives the same images.
    /// </summary>
    public Tensor Sample(int count, AttributeRequest? request, long? seed = null)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be positive");
        if (request is not null && _conditions is null)
            throw new ArgumentException($"this run is unconditional (trained without labels): it cannot draw '{request}'; train a conditional run (TrainOptions.Conditioning, waifulab train --conditional)", nameof(request));
        long s = seed ?? Random.Shared.NextInt64();
        using var gen = new Generator(DeriveSeed(s, 3), CPU);
        using var z = randn([count, Options.Model.Nz], generator: gen);
        if (_conditions is null) return Generate(z);
        using var c = _conditions.Conditions(request, count, (long)DeriveSeed(s, 5));
        return Generate(z, c);
    }

    /// <summary>
    /// Parses attribute requests such as "hair=white", "mouth=0.8" against this run's labels; unknown attributes or values
    /// are refused with the valid ones (<see cref="ArgumentException"/>).
    /// </summary>
    public AttributeRequest Request(params string[] attributes) => AttributeRequest.ParseMany(
        Labels ?? throw new ArgumentException("this run is unconditional (trained without labels): it has no attributes to request; train a conditional run (TrainOptions.Conditioning, waifulab train --conditional)"),
        attributes);

    /// <summary>A conditional run's images for noise <paramref name="z"/> (N,nz) and conditions <paramref name="c"/> (N,C), in eval mode, on the CPU, from <see cref="ConditionalSamplingGenerator"/>.</summary>
    public Tensor Generate(Tensor z, Tensor c)
    {
        if (_conditions is null) throw new ArgumentException("this run is unconditional: generate from noise alone", nameof(c));
        return Rendering.Render(Sampler, z, c);
    }

    /// <summary>G's images for noise <paramref name="z"/> (N,nz), in eval mode and without gradients, on the CPU.</summary>
    public Tensor Generate(Tensor z)
    {
        if (_conditions is not null)
            throw new ArgumentException("this run is conditional: give conditions too (Generate(z, c)), or use Sample with an attribute request", nameof(z));
        var g = Sampler;
        bool wasTraining = g.training;
        g.eval();
        try
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            return ((IGanGenerator)g).Generate(z.to(_device), null).cpu().MoveToOuterDisposeScope();
        }
        finally
        {
            g.train(wasTraining);
        }
    }

    /// <summary>
    /// Writes the grid of the fixed noise batch (the same faces every epoch, so progress is comparable). A conditional
    /// run's grid has one row per value of its first categorical attribute (hair colour for the built-in faces),
    /// with fixed noise and fixed other attributes down each column.
    /// </summary>
    public PngImage SaveSampleGrid(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (_conditions is not null)
        {
            var (grid, columns) = _conditions.FixedGrid(Sampler, Options.SampleGridCount, (long)DeriveSeed(Options.Seed, 4));
            using (grid) return ImageGrid.Save(grid, path, columns);
        }
        using var images = Generate(_fixedNoise);
        return ImageGrid.Save(images, path);
    }

    /// <summary>
    /// Writes checkpoints/last.ckpt atomically with the history it implies inside it (<see cref="CheckpointFile"/>), then
    /// history.csv and options.json to match it, and returns its path.
    /// </summary>
    public string SaveCheckpoint()
    {
        var path = Folder.LastCheckpoint;
        WriteCheckpoint(path);
        // Readable copies for people and plots; the checkpoint holds the authoritative pair, so a kill here loses nothing.
        History.Save(Folder.History);
        AtomicFile.WriteAllText(Folder.Options, TrainingJson.Serialize(Options)); // a resume's changes, once they are real
        LastCheckpoint = path;
        LastCheckpointIteration = Iteration;
        return path;
    }

    /// <summary>
    /// Writes a new checkpoint at <paramref name="path"/> (refusing an existing file) of an unconditional run at iteration 0
    /// whose generator <paramref name="initGenerator"/> fills (with weights imported from PyTorch, say); D, the optimisers
    /// and the random streams start as a new run with <paramref name="options"/> would. <c>sample</c>, <c>eval</c> and
    /// <see cref="Load"/> read it like any checkpoint; training it further continues in the run folder around it.
    /// </summary>
    public static string CreateCheckpoint(TrainOptions options, string path, Action<DcganGenerator> initGenerator)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(initGenerator);
        if (options.Conditioning is not null)
            throw new ArgumentException("CreateCheckpoint makes unconditional checkpoints: leave Conditioning null", nameof(options));
        if (File.Exists(path))
            throw new IOException($"{path} already exists: choose another output file (nothing was written)");
        using var trainer = new GanTrainer(options, RunFolder.OfCheckpoint(path), null);
        initGenerator(trainer.Generator);
        trainer.WriteCheckpoint(path);
        return path;
    }

    void WriteCheckpoint(string path)
    {
        var header = new CheckpointHeader(CheckpointHeader.CurrentFormat, Options, Iteration, Epoch, _dataCount,
            Convert.ToBase64String(RngState()), DateTimeOffset.UtcNow, Labels, _dataFingerprint);
        CheckpointFile.Write(path, header, History, w =>
        {
            _g.save(w);
            _d.save(w);
            _optimizerG.save_state_dict(w);
            _optimizerD.save_state_dict(w);
            _conditions?.SavePool(w);
            _shadow?.save(w);
        });
    }

    long LastCheckpointIteration { get; set; } = -1;

    /// <summary>Whether <see cref="TrainOptions.CheckpointEvery"/> iterations have passed since the last checkpoint.</summary>
    bool CheckpointDue => Options.CheckpointEvery > 0 && Iteration - Math.Max(LastCheckpointIteration, 0) >= Options.CheckpointEvery;

    /// <summary>Takes the run folder's lock (for the trainer's life) and clears what killed writers left in it.</summary>
    void TakeFolder()
    {
        _lock = RunLock.Acquire(Folder.Root);
        RemoveOrphans();
    }

    void RemoveOrphans()
    {
        foreach (var dir in new[] { Folder.Root, Folder.Checkpoints, Folder.Samples }) AtomicFile.RemoveOrphans(dir);
    }

    static InvalidOperationException ConditionalRun(string instead) =>
        new($"this run is conditional: use {instead} (or Sample/Generate, which work for both kinds of run)");

    static GanTrainer Open(string path, RunFolder folder, Func<TrainOptions, TrainOptions>? adjust)
    {
        TorchBackend.EnsureLoaded();
        var (header, history, reader) = CheckpointFile.Open(path);
        using var _ = reader;
        // Threads are a property of the machine, not the run: a checkpoint from a bigger machine keeps libtorch's default here.
        var options = header.Options.Threads > Environment.ProcessorCount ? header.Options with { Threads = null } : header.Options;
        if (adjust is not null)
        {
            var changed = adjust(options).Validate();
            if (changed.Model != options.Model || changed.BatchSize != options.BatchSize || changed.Seed != options.Seed
                || changed.FlipAugment != options.FlipAugment || changed.SampleGridCount != options.SampleGridCount
                || changed.Objective != options.Objective || changed.Dominance != options.Dominance
                || changed.Conditioning != options.Conditioning || changed.EmbedSize != options.EmbedSize
                || changed.ConditionalBatchNorm != options.ConditionalBatchNorm || changed.EmaBeta != options.EmaBeta)
                throw new ArgumentException("a resumed run keeps its model, conditioning, objective, EMA, batch size, seed, flips and grid size; start a new run to change them");
            options = changed;
        }
        if (options.Conditioning is not null && header.Labels is null)
            throw new InvalidDataException($"{path} is a conditional run without its label schema; it cannot be opened");
        var trainer = new GanTrainer(options, folder, header.Labels);
        try
        {
            trainer._g.load(reader);
            trainer._d.load(reader);
            trainer._optimizerG.load_state_dict(reader);
            trainer._optimizerD.load_state_dict(reader);
            trainer._conditions?.LoadPool(reader);
            trainer._shadow?.load(reader);
            // The optimizer state carries the old learning rates; a resume may lower them (e.g. after divergence).
            foreach (var g in trainer._optimizerG.ParamGroups) g.LearningRate = options.LrG;
            foreach (var g in trainer._optimizerD.ParamGroups) g.LearningRate = options.LrD;
            using (var state = tensor(Convert.FromBase64String(header.RngState), ScalarType.Byte))
                trainer._rng.set_state(state);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or FormatException)
        {
            trainer.Dispose();
            throw new InvalidDataException($"{path} is truncated or does not match its header ({e.Message})", e);
        }
        trainer.Iteration = header.Iteration;
        trainer.Epoch = header.Epoch;
        trainer._dataCount = header.DataCount;
        trainer._dataFingerprint = header.DataFingerprint;
        trainer.LastCheckpoint = path;
        trainer.LastCheckpointIteration = header.Iteration;
        trainer.History = history;
        trainer._objective.Iteration = header.Iteration;
        trainer.Ema?.ResumeAt(header.Iteration);
        if (trainer.Detector is { } detector) // replay the history so the detector's window is as it was
            foreach (var step in trainer.History)
                if (step.Iteration <= header.Iteration && step.Extra is { } e && e.TryGetValue("d_acc_real", out var ar) && e.TryGetValue("d_acc_fake", out var af))
                    detector.Add(new DominanceRecord(step.Iteration, step.DReal, step.DFakeBefore, step.LossG,
                        e.TryGetValue("grad_norm_g", out var gn) ? gn : 0, ar, af));
        return trainer;
    }

    byte[] RngState()
    {
        using var state = _rng.get_state();
        return state.data<byte>().ToArray();
    }

    /// <summary>The shuffle of one epoch: a function of (seed, epoch) only, so a resumed run sees the same order.</summary>
    Tensor EpochOrder(int epoch, int count)
    {
        using var gen = new Generator(DeriveSeed(Options.Seed, 1000 + epoch), CPU);
        return randperm(count, generator: gen);
    }

    /// <summary>Independent seeds for the separate random streams of a run (init, fixed noise, iterations, epochs).</summary>
    static ulong DeriveSeed(long seed, int stream)
    {
        // SplitMix64 finaliser: nearby (seed, stream) pairs give unrelated seeds.
        ulong x = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)stream * 0xBF58476D1CE4E5B9UL + 0x94D049BB133111EBUL);
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return (x ^ (x >> 31)) & 0x7FFFFFFFFFFFFFFFUL;
    }

    public void Dispose()
    {
        _optimizerG.Dispose();
        _optimizerD.Dispose();
        _g.Dispose();
        _d.Dispose();
        _shadow?.Dispose();
        _conditions?.Dispose();
        _fixedNoise.Dispose();
        _rng.Dispose();
        _lock?.Dispose();
    }
}
