using WaifuLab.Evaluation;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Evaluation;

public class FeatureDistancesTests
{
    [Fact]
    public void Distances_are_between_unit_length_features()
    {
        // rows point along x, y, x (the third twice as long: unit length makes it equal to the first)
        using var f = tensor(new float[] { 1, 0, 0, 1, 2, 0 }).reshape(3, 2);
        // ordered pairs: (0,1)=2, (0,2)=0, (1,2)=2, each twice, over 3*2 pairs
        Assert.Equal(8.0 / 6, FeatureDistances.MeanPairwise(f), 6);
        Assert.Equal(2.0, FeatureDistances.MeanNeighbour(f), 6);
        using var same = tensor(new float[] { 1, 1, 3, 3 }).reshape(2, 2);
        Assert.Equal(0.0, FeatureDistances.MeanPairwise(same), 6);
        using var one = ones(1, 2);
        Assert.Throws<ArgumentException>(() => FeatureDistances.MeanNeighbour(one));
    }
}
