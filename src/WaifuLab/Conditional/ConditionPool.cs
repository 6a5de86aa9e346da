using TorchSharp;
using WaifuLab.Data;
using static TorchSharp.torch;

namespace WaifuLab.Conditional;

/// <summary>
/// Conditions for fake batches, drawn as whole rows of the dataset's condition matrix: the attribute combinations G is
/// asked for then follow the data's joint distribution (no "glasses + blush" pairs the data never shows, no skewed
/// marginals), so D cannot tell fakes by their conditions alone. Seeded, so runs repeat.
/// </summary>
public sealed class ConditionPool : IDisposable
{
    private readonly Tensor rows;
    private readonly Generator generator;

    /// <summary>A pool over <paramref name="conditions"/> (M,C); the pool keeps its own CPU copy.</summary>
    public ConditionPool(Tensor conditions, long seed = 0)
    {
        if (conditions.dim() != 2 || conditions.shape[0] < 1 || conditions.shape[1] < 1)
            throw new ArgumentException($"a condition pool needs a non-empty (M,C) matrix, got ({string.Join(",", conditions.shape)})", nameof(conditions));
        rows = conditions.detach().to(float32).cpu().clone();
        generator = new Generator((ulong)seed);
    }

    /// <summary>A pool over a labelled dataset's conditions; throws if the dataset has none.</summary>
    public static ConditionPool FromDataset(ImageDataset dataset, long seed = 0) =>
        new(dataset.Conditions ?? throw new ArgumentException(
            $"the dataset {dataset.Source} has no labels; a conditional GAN needs a labels file (see data/README.md)", nameof(dataset)), seed);

    public int Count => (int)rows.shape[0];
    public int Width => (int)rows.shape[1];

    /// <summary>The whole (M,C) matrix (owned by the pool).</summary>
    public Tensor Rows => rows;

    /// <summary>
    /// <paramref name="n"/> rows drawn uniformly with replacement, on <paramref name="device"/>. Uses the pool's own
    /// generator unless <paramref name="generator"/> is given.
    /// </summary>
    public Tensor Sample(int n, Device? device = null, Generator? generator = null)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "sample at least one condition");
        using var index = randint(Count, [n], dtype: int64, generator: generator ?? this.generator);
        var picked = rows.index_select(0, index);
        if (device is null || device.type == DeviceType.CPU) return picked;
        using (picked) return picked.to(device);
    }

    public void Dispose()
    {
        rows.Dispose();
        generator.Dispose();
    }
}
