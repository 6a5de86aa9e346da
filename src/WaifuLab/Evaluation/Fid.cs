using WaifuLab.Backend;
using static TorchSharp.torch;

namespace WaifuLab.Evaluation;

/// <summary>
/// Frechet distance between the Gaussians fitted to two feature sets:
/// ||mu1 - mu2||^2 + Tr(S1) + Tr(S2) - 2 Tr(sqrt(S1 S2)). In WaifuLab the features come from the attribute
/// classifier, not InceptionV3, so values are in-domain and not comparable with published FIDs.
/// </summary>
public static class Fid
{
    public static double Compute(FeatureStatistics a, FeatureStatistics b)
    {
        TorchBackend.EnsureLoaded();
        if (a.Dimensions != b.Dimensions)
            throw new ArgumentException($"feature statistics have {a.Dimensions} and {b.Dimensions} dimensions; compute both with the same feature network");
        using var scope = NewDisposeScope();
        var diff = a.MeanTensor() - b.MeanTensor();
        var s1 = a.CovarianceTensor();
        var s2 = b.CovarianceTensor();
        double meanTerm = diff.dot(diff).item<double>();
        double traces = s1.trace().item<double>() + s2.trace().item<double>();
        double cross = MatrixSqrt.TraceOfProductSqrt(s1, s2);
        // Mathematically >= 0; identical sets give a rounding-sized value of either sign.
        return Math.Max(0, meanTerm + traces - 2 * cross);
    }

    /// <summary>FID between two feature sets (N,F) and (M,F).</summary>
    public static double Compute(Tensor featuresA, Tensor featuresB) =>
        Compute(FeatureStatistics.FromFeatures(featuresA), FeatureStatistics.FromFeatures(featuresB));
}
