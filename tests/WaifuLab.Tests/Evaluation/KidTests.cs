using WaifuLab.Evaluation;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Evaluation;

public class KidTests
{
    [Fact]
    public void Kid_of_two_samples_of_one_distribution_is_near_zero_and_of_shifted_ones_clearly_positive()
    {
        var g = new Generator(11);
        using var a = randn(600, 32, generator: g);
        using var b = randn(600, 32, generator: g);
        using var shifted = randn(600, 32, generator: g) + 0.5;

        var same = Kid.Compute(a, b, subsets: 10, subsetSize: 300);
        var different = Kid.Compute(a, shifted, subsets: 10, subsetSize: 300);
        Assert.Equal(10, same.Subsets);
        Assert.Equal(300, same.SubsetSize);
        Assert.True(same.Std > 0);
        Assert.True(Math.Abs(same.Mean) < 3 * same.Std, $"same distribution: {same}");
        Assert.True(different.Mean > 10 * different.Std && different.Mean > 20 * Math.Abs(same.Mean), $"shifted: {different} vs same: {same}");
    }

    [Fact]
    public void Kid_is_unbiased_averaged_over_independent_draws_where_the_biased_estimate_is_not()
    {
        // Over many independent pairs from one distribution the unbiased MMD^2 averages to ~0; a V-statistic
        // (diagonal kept) would average to a clearly positive value at this small subset size.
        var g = new Generator(5);
        double sum = 0, spread = 0;
        const int draws = 20;
        var values = new double[draws];
        for (int i = 0; i < draws; i++)
        {
            using var a = randn(40, 8, generator: g);
            using var b = randn(40, 8, generator: g);
            values[i] = Kid.Compute(a, b, subsets: 1, subsetSize: 40).Mean;
            sum += values[i];
        }
        double mean = sum / draws;
        foreach (var v in values) spread += (v - mean) * (v - mean);
        double standardError = Math.Sqrt(spread / (draws - 1) / draws);
        Assert.True(Math.Abs(mean) < 3 * standardError, $"mean {mean}, standard error {standardError}");
    }

    [Fact]
    public void Default_subset_size_is_half_the_smaller_set_so_subsets_differ()
    {
        var g = new Generator(2);
        using var a = randn(100, 8, generator: g);
        using var b = randn(60, 8, generator: g);
        var kid = Kid.Compute(a, b);
        Assert.Equal(30, kid.SubsetSize);
        Assert.True(kid.Std > 0);
    }
}
