namespace WaifuLab.Stabilizers;

/// <summary>
/// Thresholds of <see cref="DominanceDetector"/>. An iteration is "D winning" when D(G(z)) &lt; <see cref="FakeBelow"/> and
/// D(x) &gt; <see cref="RealAbove"/> (or, with <see cref="DominanceSignal.Accuracy"/>, when D classifies at least
/// <see cref="AccuracyAbove"/> of both batches correctly); it is flagged when at least <see cref="MinShare"/> of the last <see cref="Window"/>
/// iterations were D winning (a sliding window, so one lucky batch neither starts nor ends an episode).
/// </summary>
public sealed record DominanceOptions
{
    /// <summary>Which per-iteration signal decides that D is winning (see <see cref="DominanceSignal"/>).</summary>
    public DominanceSignal Signal { get; init; } = DominanceSignal.Probability;

    /// <summary>With <see cref="DominanceSignal.Accuracy"/>: the accuracy on real and on fake at or above which D is winning.</summary>
    public double AccuracyAbove { get; init; } = 0.95;

    /// <summary>Sliding window length in iterations; flags start once half a window has been seen.</summary>
    public int Window { get; init; } = 50;

    /// <summary>Mean D(G(z)) below which D is rejecting the fakes.</summary>
    public double FakeBelow { get; init; } = 0.05;

    /// <summary>Mean D(x) above which D is confident on the reals.</summary>
    public double RealAbove { get; init; } = 0.9;

    /// <summary>Share of the window that must be D winning.</summary>
    public double MinShare { get; init; } = 0.8;

    /// <summary>
    /// Also require G's gradient norm to have shrunk: window mean &lt;= <see cref="GradientShrinkRatio"/> x the largest window
    /// mean seen so far. Off by default: with the non-saturating loss G's gradient does not vanish when D wins (that is its
    /// point, Goodfellow 2014), so this signal only identifies dominance under the saturating loss.
    /// </summary>
    public bool RequireGradientShrink { get; init; }

    /// <summary>See <see cref="RequireGradientShrink"/>.</summary>
    public double GradientShrinkRatio { get; init; } = 0.5;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (Window < 1) throw new ArgumentException($"Window must be >= 1, got {Window}");
        if (!(FakeBelow > 0 && FakeBelow < 1)) throw new ArgumentException($"FakeBelow must be in (0, 1), got {FakeBelow}");
        if (!(RealAbove > 0 && RealAbove < 1)) throw new ArgumentException($"RealAbove must be in (0, 1), got {RealAbove}");
        if (!Enum.IsDefined(Signal)) throw new ArgumentException($"Signal {Signal} is not a DominanceSignal");
        if (!(AccuracyAbove > 0 && AccuracyAbove <= 1)) throw new ArgumentException($"AccuracyAbove must be in (0, 1], got {AccuracyAbove}");
        if (!(MinShare > 0 && MinShare <= 1)) throw new ArgumentException($"MinShare must be in (0, 1], got {MinShare}");
        if (!(GradientShrinkRatio > 0 && GradientShrinkRatio <= 1)) throw new ArgumentException($"GradientShrinkRatio must be in (0, 1], got {GradientShrinkRatio}");
    }
}
