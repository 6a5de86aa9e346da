using WaifuLab.Backend;
using static TorchSharp.torch;

namespace WaifuLab.Evaluation;

/// <summary>
/// The Gaussian fitted to a set of feature vectors: mean and (unbiased, N-1) covariance in float64. Held as
/// managed arrays so an evaluator can keep the real set's statistics for a whole run without owning tensors.
/// </summary>
public sealed class FeatureStatistics
{
    public FeatureStatistics(double[] mean, double[] covariance, int count)
    {
        if (mean.Length == 0) throw new ArgumentException("mean is empty", nameof(mean));
        if (covariance.Length != mean.Length * mean.Length)
            throw new ArgumentException($"covariance has {covariance.Length} entries; a {mean.Length}-dimensional one needs {mean.Length * mean.Length}", nameof(covariance));
        Mean = mean;
        Covariance = covariance;
        Count = count;
    }

    public double[] Mean { get; }
    /// <summary>Row-major Dimensions x Dimensions.</summary>
    public double[] Covariance { get; }
    /// <summary>How many feature vectors the statistics were computed from.</summary>
    public int Count { get; }
    public int Dimensions => Mean.Length;

    /// <summary>Statistics of features (N,F); N must be at least 2. Computed in float64 whatever the input type.</summary>
    public static FeatureStatistics FromFeatures(Tensor features)
    {
        TorchBackend.EnsureLoaded();
        if (features.dim() != 2)
            throw new ArgumentException($"features must have shape (N,F), got ({string.Join(",", features.shape)})", nameof(features));
        if (features.shape[0] < 2)
            throw new ArgumentException($"statistics need at least 2 feature vectors, got {features.shape[0]}", nameof(features));
        using var scope = NewDisposeScope();
        var x = features.to(float64, CPU);
        var mean = x.mean([0]);
        var centred = x - mean;
        var cov = centred.T.matmul(centred) / (x.shape[0] - 1);
        return new FeatureStatistics(mean.data<double>().ToArray(), cov.contiguous().data<double>().ToArray(), (int)x.shape[0]);
    }

    internal Tensor MeanTensor() => tensor(Mean, dtype: float64);
    internal Tensor CovarianceTensor() => tensor(Covariance, dtype: float64).reshape(Dimensions, Dimensions);
}
