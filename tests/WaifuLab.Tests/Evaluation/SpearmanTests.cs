using WaifuLab.Evaluation;

namespace WaifuLab.Tests.Evaluation;

public class SpearmanTests
{
    [Fact]
    public void Monotone_relations_give_plus_or_minus_one_whatever_their_shape()
    {
        double[] x = [1, 2, 3, 4, 5, 6];
        Assert.Equal(1.0, Spearman.Compute(x, x.Select(v => Math.Exp(v)).ToArray()), 12);
        Assert.Equal(-1.0, Spearman.Compute(x, x.Select(v => -v * v * v).ToArray()), 12);
    }

    [Fact]
    public void Ties_get_average_ranks_and_a_constant_series_gives_nan()
    {
        Assert.Equal([1.5, 1.5, 3, 4], Spearman.Ranks([7, 7, 8, 9]));
        // x ranks 1..4, y ranks 1.5,1.5,3.5,3.5: Pearson of the ranks = 4 / sqrt(5 * 4) = 0.894427...
        Assert.Equal(2 / Math.Sqrt(5), Spearman.Compute([1, 2, 3, 4], [0, 0, 1, 1]), 12);
        Assert.True(double.IsNaN(Spearman.Compute([1, 2, 3], [5, 5, 5])));
        Assert.Throws<ArgumentException>(() => Spearman.Compute([1, 2], [1, 2, 3]));
    }
}
