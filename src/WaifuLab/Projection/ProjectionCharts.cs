using Plotly.NET;
using Plotly.NET.CSharp;
using WaifuLab.Plots;

namespace WaifuLab.Projection;

/// <summary>Charts of a projection run, for the CLI's report and the notebook.</summary>
public static class ProjectionCharts
{
    /// <summary>
    /// Pixel MSE per step, one line per restart, on a log axis (the error falls by orders of magnitude, and restarts
    /// differ mostly at the end). The kept restart is marked "(kept)".
    /// </summary>
    public static GenericChart Curve(ProjectionResult result)
    {
        if (result.Curve.Count == 0)
            throw new ArgumentException("the projection has no curve (a projection loaded from a file keeps none)", nameof(result));
        var restarts = result.Curve.Select(s => s.Restart).Distinct().Order().ToList();
        var steps = result.CurveOf(restarts[0]).Select(s => (double)s.Step).ToList();
        var series = restarts
            .Select(r => ($"restart {r}{(r == result.BestRestart ? " (kept)" : "")}", (IReadOnlyList<double>)result.CurveOf(r).Select(s => s.PixelMse).ToList()))
            .ToArray();
        return Charts.Lines("step", "pixel MSE", steps, series)
            .WithYAxisStyle<double, double, string>(TitleText: "pixel MSE (log)", AxisType: StyleParam.AxisType.Log);
    }
}
