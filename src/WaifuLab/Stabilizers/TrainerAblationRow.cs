using WaifuLab.Evaluation;
using WaifuLab.Imaging;
using WaifuLab.Training;

namespace WaifuLab.Stabilizers;

/// <summary>
/// One preset's outcome in <see cref="TrainerAblation"/>: share of iterations the trainer flagged as D-dominated (its
/// "dominated" column) and the share by D's accuracy (which hinge and label smoothing cannot hide), the balance at the
/// end (means over the last tenth: D(x), D(G(z)), D's accuracies, G's output gradient), FID/KID when evaluated, the cost
/// per iteration, the run's history and its final fixed-noise grid (from the EMA generator when the preset has one).
/// </summary>
public sealed record TrainerAblationRow(
    string Preset,
    double DominatedShare,
    double DominatedShareByAccuracy,
    int Episodes,
    double FinalDReal,
    double FinalDFake,
    double FinalRealAccuracy,
    double FinalFakeAccuracy,
    double FinalGOutputGradNorm,
    EvaluationReport? Evaluation,
    double MsPerIteration,
    TrainHistory History,
    PngImage Grid,
    string RunFolder)
{
    /// <summary>FID, or NaN when not evaluated.</summary>
    public double Fid => Evaluation?.Fid ?? double.NaN;

    /// <summary>Mean KID, or NaN when not evaluated.</summary>
    public double Kid => Evaluation?.Kid.Mean ?? double.NaN;
}
