using System.Globalization;
using WaifuLab.Training;

namespace WaifuLab.Stabilizers;

/// <summary>
/// Spots a run going wrong while its losses are still finite (a NaN stops the trainer by itself): a loss whose
/// magnitude passes <see cref="LossAbove"/> (exploding), or D(G(z)) pinned at ~0 with D(x) high for a whole window, the
/// extreme end of D dominance, found by a <see cref="DominanceDetector"/> with strict thresholds. Each returns one
/// warning when it starts, not one per iteration. Every run gets it through <see cref="TrainProgressPrinter"/>, with or
/// without the D-dominance instrumentation (<see cref="TrainOptions.Dominance"/>).
/// </summary>
public sealed class LossWatch
{
    readonly DominanceDetector _pinned;
    bool _exploding;

    /// <param name="lossAbove">|Loss_D| or |Loss_G| above this is exploding (BCE losses of a healthy run stay below ~20).</param>
    /// <param name="pinnedWindow">Iterations of D(G(z)) &lt; 0.001 with D(x) &gt; 0.5, in a row, that count as pinned.</param>
    public LossWatch(double lossAbove = 1e4, int pinnedWindow = 100)
    {
        if (!(lossAbove > 0)) throw new ArgumentException($"the loss threshold must be positive, got {lossAbove}", nameof(lossAbove));
        LossAbove = lossAbove;
        _pinned = new DominanceDetector(new DominanceOptions { Window = pinnedWindow, FakeBelow = 1e-3, RealAbove = 0.5, MinShare = 1 });
    }

    public double LossAbove { get; }

    /// <summary>Feeds one iteration; returns a warning when a problem starts at it, else null.</summary>
    public string? Add(TrainStep step)
    {
        string? warning = null;
        bool exploding = Math.Abs(step.LossD) > LossAbove || Math.Abs(step.LossG) > LossAbove;
        if (exploding && !_exploding)
            warning = string.Create(CultureInfo.InvariantCulture,
                $"warning: the loss is exploding at iteration {step.Iteration} (Loss_D {step.LossD:G4}, Loss_G {step.LossG:G4}, beyond {LossAbove:G}): lower the learning rates (--lr-g, --lr-d) and resume from the last checkpoint");
        _exploding = exploding;
        bool wasPinned = _pinned.IsDominated;
        if (_pinned.Add(new DominanceRecord(step.Iteration, step.DReal, step.DFakeBefore, step.LossG, double.NaN)) && !wasPinned)
            warning ??= string.Create(CultureInfo.InvariantCulture,
                $"warning: D(G(z)) has been pinned at ~0 up to iteration {step.Iteration} (now {step.DFakeBefore:G3}, D(x) {step.DReal:F3}): D rejects every fake and G learns little; see waifulab train --remedies (TrainOptions.Objective)");
        return warning;
    }
}
