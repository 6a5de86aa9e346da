using WaifuLab.Backend;
using static TorchSharp.torch;

namespace WaifuLab.Evaluation;

/// <summary>Square roots of symmetric positive semi-definite matrices, in float64, by eigen-decomposition.</summary>
public static class MatrixSqrt
{
    /// <summary>
    /// The symmetric square root R of a symmetric PSD matrix A (R R = A, R = R^T), as a float64 CPU tensor.
    /// Eigenvalues below zero (rounding noise of a singular covariance) are clamped to zero, which is what keeps
    /// FID finite and real where scipy's general sqrtm returns complex values for rank-deficient covariances.
    /// </summary>
    public static Tensor Symmetric(Tensor a)
    {
        TorchBackend.EnsureLoaded();
        CheckSquare(a, nameof(a));
        using var scope = NewDisposeScope();
        var a64 = a.to(float64, CPU);
        a64 = (a64 + a64.T) / 2;               // eigh reads one triangle; symmetrise so both count
        var (values, vectors) = linalg.eigh(a64);
        var root = vectors.mul(values.clamp_min(0).sqrt().unsqueeze(0)).matmul(vectors.T);
        return root.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Tr(sqrt(S1 S2)) for symmetric PSD S1, S2, computed as the trace of the symmetric matrix
    /// sqrt(sqrt(S1) S2 sqrt(S1)), which has the same eigenvalues as S1 S2 but, unlike S1 S2, is symmetric.
    /// </summary>
    public static double TraceOfProductSqrt(Tensor s1, Tensor s2)
    {
        TorchBackend.EnsureLoaded();
        CheckSquare(s1, nameof(s1));
        CheckSquare(s2, nameof(s2));
        if (s1.shape[0] != s2.shape[0])
            throw new ArgumentException($"matrices are {s1.shape[0]}x{s1.shape[0]} and {s2.shape[0]}x{s2.shape[0]}; they must match");
        using var scope = NewDisposeScope();
        var root1 = Symmetric(s1);
        var m = root1.matmul(s2.to(float64, CPU)).matmul(root1);
        m = (m + m.T) / 2;
        var eigenvalues = linalg.eigvalsh(m);
        return eigenvalues.clamp_min(0).sqrt().sum().item<double>();
    }

    static void CheckSquare(Tensor a, string name)
    {
        if (a.dim() != 2 || a.shape[0] != a.shape[1])
            throw new ArgumentException($"{name} must be a square matrix, got shape ({string.Join(",", a.shape)})", name);
    }
}
