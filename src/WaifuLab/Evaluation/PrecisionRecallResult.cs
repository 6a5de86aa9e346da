namespace WaifuLab.Evaluation;

/// <summary>
/// Precision: share of generated samples that fall inside the real manifold (quality). Recall: share of real
/// samples inside the generated manifold (coverage; low under mode collapse). Both in [0,1].
/// </summary>
public sealed record PrecisionRecallResult(double Precision, double Recall, int K);
