using WaifuLab.Backend;
using WaifuLab.Conditional;
using WaifuLab.Models;

namespace WaifuLab.Training;

/// <summary>
/// Everything that defines a training run (saved as the run's options.json). Defaults are the DCGAN paper's:
/// batch 128, Adam 2e-4 with betas 0.5/0.999. Override with <c>with { ... }</c> or start from a <see cref="Presets"/> entry.
/// </summary>
public sealed record TrainOptions
{
    public GanModelOptions Model { get; init; } = new();
    public int Epochs { get; init; } = 5;
    /// <summary>Stops the run after this many iterations in total (smoke runs, benchmarks); null = run all epochs.</summary>
    public int? MaxIterations { get; init; }
    public int BatchSize { get; init; } = 128;
    public double LrG { get; init; } = 2e-4;
    public double LrD { get; init; } = 2e-4;
    public double Beta1 { get; init; } = 0.5;
    public double Beta2 { get; init; } = 0.999;
    public long Seed { get; init; } = 1;
    public ComputeDevice Device { get; init; } = ComputeDevice.Auto;
    /// <summary>CPU intra-op threads; null keeps libtorch's default (one per core).</summary>
    public int? Threads { get; init; }
    public int SampleGridCount { get; init; } = 64;
    public int CheckpointEveryEpochs { get; init; } = 1;
    /// <summary>
    /// Also checkpoint every N iterations (0 = only at epoch ends), so a crash or kill loses little: 250 iterations are
    /// ~100 s at the quick preset (~390 ms/it on 2 cores), where an epoch is ~4 minutes.
    /// </summary>
    public int CheckpointEvery { get; init; } = 250;
    /// <summary>
    /// Run a garbage collection every N iterations (0 = never). TorchSharp's finalizable wrappers hold native memory
    /// that a gen-0 GC would free, but the trainer allocates too little managed memory to trigger one, so RSS creeps.
    /// </summary>
    public int GcEvery { get; init; } = 8;
    /// <summary>Random horizontal flips of real images (faces are roughly symmetric).</summary>
    public bool FlipAugment { get; init; } = true;
    /// <summary>The terms of the GAN objective: loss kind, smoothing, instance noise, DiffAugment, R1, attribute and mode-seeking weights, D:G steps.</summary>
    public ObjectiveOptions Objective { get; init; } = new();
    /// <summary>
    /// The D-dominance instrumentation: extra history columns (D's accuracies, gradient norms, "dominated") and the
    /// detector's thresholds; null = none (the plain DCGAN's history, and its speed).
    /// </summary>
    public WaifuLab.Stabilizers.DominanceOptions? Dominance { get; init; }
    /// <summary>
    /// Conditional GAN: how D takes the labels into account; null trains the unconditional DCGAN. A conditional run
    /// needs a labelled dataset and its <see cref="WaifuLab.Data.LabelSchema"/> (see <see cref="GanTrainer"/>).
    /// </summary>
    public ConditioningMode? Conditioning { get; init; }
    /// <summary>Conditional runs: width of G's learned embedding of the label vector c, concatenated with z.</summary>
    public int EmbedSize { get; init; } = 50;
    /// <summary>Conditional runs: condition every BatchNorm of G on c too (<see cref="WaifuLab.Conditional.ConditionalBatchNorm2d"/>).</summary>
    public bool ConditionalBatchNorm { get; init; }
    /// <summary>
    /// Decay of an exponential moving average of G's weights (<see cref="WaifuLab.Stabilizers.Ema"/>, ramped up from 0;
    /// Karras et al. 2018), which sampling, grids and evaluation then use; 0 = off.
    /// </summary>
    public double EmaBeta { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad field; returns this for chaining.</summary>
    public TrainOptions Validate()
    {
        ArgumentNullException.ThrowIfNull(Model, nameof(Model));
        Model.Validate();
        if (Epochs <= 0) throw new ArgumentException($"epochs must be positive, got {Epochs}", nameof(Epochs));
        if (MaxIterations is <= 0) throw new ArgumentException($"max iterations must be positive when given, got {MaxIterations}", nameof(MaxIterations));
        if (BatchSize <= 0) throw new ArgumentException($"batch size must be positive, got {BatchSize}", nameof(BatchSize));
        // Learning rates reach libtorch as float32: beyond its range the optimiser fails natively.
        if (!(LrG > 0) || LrG > float.MaxValue) throw new ArgumentException($"generator learning rate must be a positive number within float32 range, got {LrG}", nameof(LrG));
        if (!(LrD > 0) || LrD > float.MaxValue) throw new ArgumentException($"discriminator learning rate must be a positive number within float32 range, got {LrD}", nameof(LrD));
        if (!(Beta1 is >= 0 and < 1)) throw new ArgumentException($"Adam beta1 must be in [0,1), got {Beta1}", nameof(Beta1));
        if (!(Beta2 is >= 0 and < 1)) throw new ArgumentException($"Adam beta2 must be in [0,1), got {Beta2}", nameof(Beta2));
        if (Threads is { } t && (t <= 0 || t > Environment.ProcessorCount))
            throw new ArgumentException($"threads must be from 1 to this machine's {Environment.ProcessorCount} cores when given, got {Threads}", nameof(Threads));
        if (SampleGridCount <= 0) throw new ArgumentException($"sample grid count must be positive, got {SampleGridCount}", nameof(SampleGridCount));
        if (CheckpointEveryEpochs <= 0) throw new ArgumentException($"checkpoint interval must be a positive number of epochs, got {CheckpointEveryEpochs}", nameof(CheckpointEveryEpochs));
        if (CheckpointEvery < 0) throw new ArgumentException($"checkpoint interval must be 0 (epoch ends only) or a positive number of iterations, got {CheckpointEvery}", nameof(CheckpointEvery));
        ArgumentNullException.ThrowIfNull(Objective, nameof(Objective));
        Objective.Validate();
        Dominance?.Validate();
        if (Conditioning is { } mode && !Enum.IsDefined(mode))
            throw new ArgumentException($"unknown conditioning {mode}; use one of {string.Join(", ", Enum.GetNames<ConditioningMode>())}", nameof(Conditioning));
        if (Conditioning is not null && Model.ExtraBlocks != 0 && Model.Architecture == ModelFactory.Dcgan)
            throw new ArgumentException("the conditional DCGAN models have no extra blocks: use ExtraBlocks 0 with Conditioning", nameof(Conditioning));
        if (EmbedSize <= 0) throw new ArgumentException($"embedding size must be positive, got {EmbedSize}", nameof(EmbedSize));
        if (Objective.ModeSeekingWeight > 0 && BatchSize < 2)
            throw new ArgumentException("the mode-seeking term compares two halves of a batch: use a batch size >= 2", nameof(BatchSize));
        if (!(EmaBeta is >= 0 and < 1)) throw new ArgumentException($"EMA decay must be in [0, 1), got {EmaBeta}", nameof(EmaBeta));
        if (GcEvery < 0) throw new ArgumentException($"GC interval must be 0 (never) or positive, got {GcEvery}", nameof(GcEvery));
        return this;
    }
}
