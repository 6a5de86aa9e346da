using WaifuLab.Evaluation;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Evaluation;

public class FidTests
{
    static FeatureStatistics Stats(double[] mean, double[,] cov)
    {
        int d = mean.Length;
        var flat = new double[d * d];
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) flat[i * d + j] = cov[i, j];
        return new FeatureStatistics(mean, flat, 1000);
    }

    [Fact]
    public void Fid_of_a_feature_set_with_itself_is_zero()
    {
        var g = new Generator(1);
        using var features = randn(300, 32, generator: g) * 2 + 1;
        Assert.Equal(0, Fid.Compute(features, features), 6);
    }

    [Fact]
    public void Fid_of_diagonal_gaussians_matches_the_closed_form()
    {
        var a = Stats([0, 1, 2], new double[,] { { 1, 0, 0 }, { 0, 4, 0 }, { 0, 0, 9 } });
        var b = Stats([1, 1, 0], new double[,] { { 4, 0, 0 }, { 0, 1, 0 }, { 0, 0, 16 } });
        // ||mu1-mu2||^2 + sum (sqrt(s1) - sqrt(s2))^2 = (1 + 0 + 4) + (1 + 1 + 1)
        Assert.Equal(8.0, Fid.Compute(a, b), 9);
        Assert.Equal(8.0, Fid.Compute(b, a), 9);
    }

    [Fact]
    public void Fid_of_non_commuting_covariances_matches_the_two_by_two_closed_form()
    {
        // For 2x2 M with positive eigenvalues, Tr sqrt(M) = sqrt(Tr M + 2 sqrt(det M)); with M = S1 S2 that gives
        // the cross term of FID without any matrix square root, for covariances that do not commute.
        double[,] s1 = { { 2, 1 }, { 1, 3 } }, s2 = { { 1, -0.5 }, { -0.5, 2 } };
        double trProduct = s1[0, 0] * s2[0, 0] + s1[0, 1] * s2[1, 0] + s1[1, 0] * s2[0, 1] + s1[1, 1] * s2[1, 1];
        double det1 = s1[0, 0] * s1[1, 1] - s1[0, 1] * s1[1, 0], det2 = s2[0, 0] * s2[1, 1] - s2[0, 1] * s2[1, 0];
        double crossTrace = Math.Sqrt(trProduct + 2 * Math.Sqrt(det1 * det2));
        double expected = (0.5 * 0.5 + 2 * 2) + (2 + 3) + (1 + 2) - 2 * crossTrace;
        Assert.Equal(expected, Fid.Compute(Stats([0.5, -1], s1), Stats([0, 1], s2)), 9);
    }

    [Fact]
    public void Fid_from_samples_approaches_the_closed_form_of_the_generating_gaussians()
    {
        var g = new Generator(7);
        using var a = randn(20000, 4, generator: g);                                  // N(0, I)
        using var b = randn(20000, 4, generator: g) * 2 + 1;                          // N(1, 4I)
        // 4 * 1^2 + 4 * (1 - 2)^2 = 8
        Assert.InRange(Fid.Compute(a, b), 7.6, 8.4);
    }

    [Fact]
    public void Matrix_sqrt_reconstructs_its_input_including_a_singular_one()
    {
        var g = new Generator(3);
        using var b = randn(8, 8, generator: g, dtype: float64);
        using var full = b.matmul(b.T);
        using var thin = b.narrow(1, 0, 3);
        using var singular = thin.matmul(thin.T);                                      // rank 3 of 8
        foreach (var a in new[] { full, singular })
        {
            using var r = MatrixSqrt.Symmetric(a);
            Assert.Equal(float64, r.dtype);
            Assert.True(r.allclose(r.T, 1e-10, 1e-10), "the root is symmetric");
            using var back = r.matmul(r);
            Assert.True(back.allclose(a, 1e-8, 1e-8), "R R = A");
        }
    }

    [Fact]
    public void Fid_stays_finite_and_non_negative_when_samples_are_fewer_than_dimensions()
    {
        // 20 samples in 64 dimensions: both covariances are singular (rank 19), where a general sqrtm goes complex.
        var g = new Generator(12);
        using var a = randn(20, 64, generator: g);
        using var b = randn(20, 64, generator: g) + 0.3;
        double fid = Fid.Compute(a, b);
        Assert.True(double.IsFinite(fid) && fid > 0, $"FID {fid}");
        Assert.True(Fid.Compute(a, b) > Fid.Compute(a, a));
    }

    [Fact]
    public void Mismatched_dimensions_and_too_few_samples_are_refused()
    {
        using var a = randn(10, 4);
        using var b = randn(10, 5);
        Assert.Throws<ArgumentException>(() => Fid.Compute(a, b));
        using var one = randn(1, 4);
        var e = Assert.Throws<ArgumentException>(() => FeatureStatistics.FromFeatures(one));
        Assert.Contains("at least 2", e.Message);
    }
}
