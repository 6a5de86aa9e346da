using WaifuLab.Plots;

namespace WaifuLab.Tests.Plots;

public class ChartsTests
{
    [Fact]
    public void Bars_need_one_value_per_category()
    {
        var chart = Charts.Bars("attribute", "share", new[] { "hair", "eyes" }, ("coarse", new[] { 0.2, 0.9 }), ("fine", new[] { 0.7, 0.1 }));
        var html = Plotly.NET.GenericChart.toChartHTML(chart);
        Assert.Contains("\"coarse\"", html);
        Assert.Contains("\"hair\"", html);
        Assert.Contains("'coarse' has 2 values", Assert.Throws<ArgumentException>(() => Charts.Bars("a", "b", new[] { "hair" }, ("coarse", new[] { 0.1, 0.2 }))).Message);
    }
}
