namespace WaifuLab.Stabilizers;

/// <summary>
/// What one <see cref="StabilizedGanStep"/> iteration measured (the last D and G update when several run). D(...) values
/// are mean sigmoid probabilities: DFakeBeforeG is D(G(z)) during D's step, DFakeAfterD during G's step after D moved
/// (pytorch/examples dcgan's D_G_z1 and D_G_z2).
/// </summary>
public sealed record GanStepMetrics(
    long Iteration,
    double LossD,
    double LossG,
    double R1,
    double DReal,
    double DFakeBeforeG,
    double DFakeAfterD,
    double RealAccuracy,
    double FakeAccuracy,
    double GradNormD,
    double GradNormG,
    double GOutputGradNorm,
    double InstanceNoiseSigma)
{
    /// <summary>The detector's view of this iteration (D(G(z)) as D saw it in its own step).</summary>
    public DominanceRecord ToDominanceRecord() => new(Iteration, DReal, DFakeBeforeG, LossG, GradNormG, RealAccuracy, FakeAccuracy);
}
