using static TorchSharp.torch;

namespace WaifuLab.Evaluation;

/// <summary>
/// Distances between images in an attribute classifier's features, made unit length (so each lies in [0, 4] as a
/// squared distance, as the projector's feature loss): the variety of a sample and the smoothness of a latent walk.
/// </summary>
public static class FeatureDistances
{
    /// <summary>Each row of (N,F) scaled to unit length (differentiable; the projector's feature loss uses it too).</summary>
    public static Tensor UnitRows(Tensor f) => f / (f.norm(1, true) + 1e-8);

    /// <summary>Mean squared distance between every pair of rows of <paramref name="features"/> (N,F): a sample's variety.</summary>
    public static double MeanPairwise(Tensor features)
    {
        if (features.shape[0] < 2) throw new ArgumentException("variety needs at least 2 images");
        using var scope = NewDisposeScope();
        var f = UnitRows(features.to(float64));
        long n = f.shape[0];
        var d = cdist(f, f).pow(2);
        return d.sum().item<double>() / (n * (n - 1));
    }

    /// <summary>Mean squared distance between consecutive rows (frames of a walk), (N,F) with N ≥ 2.</summary>
    public static double MeanNeighbour(Tensor features)
    {
        if (features.shape[0] < 2) throw new ArgumentException("a walk needs at least 2 frames");
        using var scope = NewDisposeScope();
        var f = UnitRows(features.to(float64));
        long n = f.shape[0];
        return (f.narrow(0, 1, n - 1) - f.narrow(0, 0, n - 1)).pow(2).sum(1).mean().item<double>();
    }
}
