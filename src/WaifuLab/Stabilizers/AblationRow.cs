using static TorchSharp.torch;

namespace WaifuLab.Stabilizers;

/// <summary>
/// One preset's outcome in a stabiliser ablation: the share of iterations flagged as D-dominated (by the setup's
/// dominance options, and by D's accuracy, which label smoothing and hinge cannot hide; see <see cref="DominanceSignal"/>), the balance at the
/// end (means over the last tenth of the run), the cost per iteration, the full history, and fixed-noise samples
/// (N,3,H,W in [-1, 1], from the EMA shadow when the preset has one; the row owns them: dispose when done).
/// </summary>
public sealed record AblationRow(
    string Preset,
    double FlaggedShare,
    int Episodes,
    double FlaggedShareByAccuracy,
    double FinalRealAccuracy,
    double FinalFakeAccuracy,
    double FinalDReal,
    double FinalDFake,
    double FinalLossG,
    double FinalGOutputGradNorm,
    double MsPerIteration,
    IReadOnlyList<GanStepMetrics> History,
    Tensor Samples) : IDisposable
{
    /// <summary>Frees the samples.</summary>
    public void Dispose() => Samples.Dispose();
}
