namespace WaifuLab.Stabilizers;

/// <summary>
/// One iteration's balance signals for <see cref="DominanceDetector"/>: mean D(x), mean D(G(z)), G's loss and gradient
/// norm, and (for <see cref="DominanceSignal.Accuracy"/>) D's accuracy on the real and the fake batch.
/// </summary>
public readonly record struct DominanceRecord(long Iteration, double DReal, double DFake, double LossG, double GGradNorm,
    double RealAccuracy = double.NaN, double FakeAccuracy = double.NaN);
