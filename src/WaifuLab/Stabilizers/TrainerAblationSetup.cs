using WaifuLab.Backend;
using WaifuLab.Models;
using WaifuLab.Training;

namespace WaifuLab.Stabilizers;

/// <summary>
/// The failing setup and shared budget of <see cref="TrainerAblation"/>: the real DCGAN pair through <see cref="GanTrainer"/>,
/// made to fail by an over-strong D (<see cref="DWidthFactor"/> x G's width, <see cref="DLearningRateBoost"/> x its learning
/// rate). Every preset gets the same model, seed (weights, batches, noise), iterations and batch size. The default is a
/// CPU-affordable 32 px run.
/// </summary>
public sealed record TrainerAblationSetup
{
    /// <summary>Image side (32 keeps a CPU ablation affordable).</summary>
    public int ImageSize { get; init; } = 32;

    /// <summary>G's width (ngf); D's width is this times <see cref="DWidthFactor"/>.</summary>
    public int Ngf { get; init; } = 16;

    /// <summary>How many times wider D is than G.</summary>
    public int DWidthFactor { get; init; } = 4;

    /// <summary>Noise size nz.</summary>
    public int Nz { get; init; } = 64;

    /// <summary>Extra 3x3 blocks per stage (the deeper variant that failed at 128 px); 0 = classic layout.</summary>
    public int ExtraBlocks { get; init; }

    /// <summary>Training iterations per preset.</summary>
    public int Iterations { get; init; } = 300;

    /// <summary>Images per batch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Seed of every run (identical for all presets).</summary>
    public long Seed { get; init; } = 1;

    /// <summary>G's learning rate (Adam 0.5/0.999), before a remedy's TTUR factors.</summary>
    public double LearningRate { get; init; } = 2e-4;

    /// <summary>Factor on D's learning rate for every preset: with the width, what makes D dominate.</summary>
    public double DLearningRateBoost { get; init; } = 5.0;

    /// <summary>Fixed-noise samples per preset (the final grid).</summary>
    public int GridSamples { get; init; } = 16;

    /// <summary>Generated images scored for FID/KID (small on a CPU: FID is then biased upwards; compare presets at the same count).</summary>
    public int EvalSamples { get; init; } = 256;

    /// <summary>Thresholds of the dominance detector (the run's "dominated" column).</summary>
    public DominanceOptions Dominance { get; init; } = new();

    /// <summary>CPU threads for torch; null keeps libtorch's default.</summary>
    public int? Threads { get; init; }

    /// <summary>
    /// The attribute classifier FID/KID are measured with (via ClassifierCache): small, enough to rank presets on a CPU;
    /// the CLI and notebook 03 share it, so the cached file is trained once.
    /// </summary>
    public static WaifuLab.Evaluation.AttributeClassifierOptions Classifier =>
        new(Epochs: 2, Features: 64, Device: ComputeDevice.Cpu);

    /// <summary>The model options of the failing pair.</summary>
    public GanModelOptions Model => new(ImageSize, Nz, Ngf, Ngf * DWidthFactor, ExtraBlocks);

    /// <summary>The trainer options of one remedy's run: the failing setup, instrumented, changed by <paramref name="remedy"/>.</summary>
    public TrainOptions TrainOptions(Func<TrainOptions, TrainOptions> remedy) => remedy(new()
    {
        Model = Model,
        Epochs = 1_000_000,
        MaxIterations = Iterations,
        BatchSize = BatchSize,
        LrG = LearningRate,
        LrD = LearningRate * DLearningRateBoost,
        Seed = Seed,
        Device = ComputeDevice.Cpu,
        Threads = Threads,
        SampleGridCount = GridSamples,
        CheckpointEveryEpochs = 1_000_000,
        Dominance = Dominance,
    });

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (Iterations < 1) throw new ArgumentException($"Iterations must be >= 1, got {Iterations}");
        if (DWidthFactor < 1) throw new ArgumentException($"DWidthFactor must be >= 1, got {DWidthFactor}");
        if (!(DLearningRateBoost > 0)) throw new ArgumentException($"DLearningRateBoost must be > 0, got {DLearningRateBoost}");
        if (EvalSamples is > 0 and < 4) throw new ArgumentException($"EvalSamples must be 0 (no FID/KID) or >= 4, got {EvalSamples}");
        TrainOptions(o => o).Validate();
    }
}
