using WaifuLab.Backend;
using static TorchSharp.torch;

namespace WaifuLab.Evaluation;

/// <summary>
/// Kernel Inception Distance (Binkowski et al. 2018) in any feature space: the unbiased estimate of MMD^2 with
/// the cubic polynomial kernel k(x,y) = (x.y/d + 1)^3, averaged over random subsets. Unbiased means it is 0 in
/// expectation for two samples of one distribution (single estimates can be slightly negative), and it has no
/// FID-style bias that shrinks with N, so it is usable with a few hundred samples.
/// </summary>
public static class Kid
{
    /// <param name="subsets">How many random subsets to average over (at least 1).</param>
    /// <param name="subsetSize">Samples per subset; by default half the smaller set, at most 1000, so that subsets
    /// differ and the standard deviation says something. Clamped to the smaller set's size.</param>
    public static KidResult Compute(Tensor featuresA, Tensor featuresB, int subsets = 10, int? subsetSize = null, int seed = 0)
    {
        TorchBackend.EnsureLoaded();
        Check(featuresA, nameof(featuresA));
        Check(featuresB, nameof(featuresB));
        if (featuresA.shape[1] != featuresB.shape[1])
            throw new ArgumentException($"feature sets have {featuresA.shape[1]} and {featuresB.shape[1]} dimensions; compute both with the same feature network");
        if (subsets < 1) throw new ArgumentOutOfRangeException(nameof(subsets), subsets, "need at least one subset");
        int n = (int)Math.Min(featuresA.shape[0], featuresB.shape[0]);
        int m = Math.Min(subsetSize ?? Math.Min(1000, n / 2), n);
        if (m < 2) throw new ArgumentException($"KID needs subsets of at least 2 samples; the sets have {featuresA.shape[0]} and {featuresB.shape[0]}");
        double d = featuresA.shape[1];

        using var scope = NewDisposeScope();
        var x = featuresA.to(float64, CPU);
        var y = featuresB.to(float64, CPU);
        var generator = new Generator((ulong)seed);
        var values = new double[subsets];
        for (int s = 0; s < subsets; s++)
        {
            using var inner = NewDisposeScope();
            var xs = x.index_select(0, randperm(x.shape[0], generator: generator).narrow(0, 0, m));
            var ys = y.index_select(0, randperm(y.shape[0], generator: generator).narrow(0, 0, m));
            var kxx = (xs.matmul(xs.T) / d + 1).pow(3);
            var kyy = (ys.matmul(ys.T) / d + 1).pow(3);
            var kxy = (xs.matmul(ys.T) / d + 1).pow(3);
            // Unbiased: leave out the diagonal (a sample's kernel with itself) of the within-set terms.
            double sxx = (kxx.sum() - kxx.diagonal().sum()).item<double>() / (m * (m - 1.0));
            double syy = (kyy.sum() - kyy.diagonal().sum()).item<double>() / (m * (m - 1.0));
            double sxy = kxy.mean().item<double>();
            values[s] = sxx + syy - 2 * sxy;
        }
        double mean = values.Average();
        double std = subsets > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (subsets - 1)) : 0;
        return new KidResult(mean, std, subsets, m);
    }

    static void Check(Tensor f, string name)
    {
        if (f.dim() != 2)
            throw new ArgumentException($"{name} must have shape (N,F), got ({string.Join(",", f.shape)})", name);
    }
}
