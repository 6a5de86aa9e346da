namespace WaifuLab.Stabilizers;

/// <summary>One iteration's balance signals for <see cref="DominanceDetector"/>: mean D(x), mean D(G(z)), G's loss and G's gradient norm.</summary>
public readonly record struct DominanceRecord(long Iteration, double DReal, double DFake, double LossG, double GGradNorm);
