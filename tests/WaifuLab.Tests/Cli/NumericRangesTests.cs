using WaifuLab.Cli;

namespace WaifuLab.Tests.Cli;

public class NumericRangesTests
{
    [Fact]
    public void ThreadsAreBoundedByTheCoresAndSeedsAreFree()
    {
        var threads = NumericRanges.For("--threads", typeof(int?))!;
        Assert.True(threads.Contains(Environment.ProcessorCount));
        Assert.False(threads.Contains(Environment.ProcessorCount + 1));
        Assert.False(threads.Contains(0));
        Assert.Null(NumericRanges.For("--seed", typeof(long?)));
    }

    [Fact]
    public void AnOptionMissingFromTheTableStillGetsTheFloorEveryNumberNeeds()
    {
        var fraction = NumericRanges.For("--some-new-weight", typeof(double?))!;
        Assert.False(fraction.Contains(1e40)); // beyond float32
        Assert.False(fraction.Contains(double.NaN));
        Assert.False(fraction.Contains(double.PositiveInfinity));
        Assert.True(fraction.Contains(-1.5));
        var count = NumericRanges.For("--some-new-count", typeof(int))!;
        Assert.False(count.Contains(-1));
        Assert.True(count.Contains(0));
    }
}
