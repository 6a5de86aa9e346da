namespace WaifuLab.Stabilizers;

/// <summary>
/// The shared budget of a stabiliser ablation (<see cref="StabilizerAblation"/>): every preset gets the same iterations,
/// batch size, seed (same initial weights, same batches, same noise) and base learning rate.
/// </summary>
public sealed record AblationSetup
{
    /// <summary>Training iterations per preset.</summary>
    public int Iterations { get; init; } = 300;

    /// <summary>Images per batch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Seed for weights, batches and noise: identical for every preset.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Base learning rate (Adam, beta1 0.5) before the preset's TTUR multipliers.</summary>
    public double LearningRate { get; init; } = 2e-4;

    /// <summary>Extra factor on D's learning rate for every preset: one way to make the failing setup fail.</summary>
    public double DLearningRateBoost { get; init; } = 1.0;

    /// <summary>Latent size of G's input (z ~ N(0, I)).</summary>
    public int LatentSize { get; init; } = 32;

    /// <summary>How many fixed-noise samples each preset returns for side-by-side grids.</summary>
    public int Samples { get; init; } = 16;

    /// <summary>Dominance thresholds for the flagged share.</summary>
    public DominanceOptions Dominance { get; init; } = new();

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (Iterations < 1) throw new ArgumentException($"Iterations must be >= 1, got {Iterations}");
        if (BatchSize < 1) throw new ArgumentException($"BatchSize must be >= 1, got {BatchSize}");
        if (!(LearningRate > 0)) throw new ArgumentException($"LearningRate must be > 0, got {LearningRate}");
        if (!(DLearningRateBoost > 0)) throw new ArgumentException($"DLearningRateBoost must be > 0, got {DLearningRateBoost}");
        if (LatentSize < 1) throw new ArgumentException($"LatentSize must be >= 1, got {LatentSize}");
        if (Samples < 1) throw new ArgumentException($"Samples must be >= 1, got {Samples}");
        Dominance.Validate();
    }
}
