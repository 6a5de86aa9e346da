using Plotly.NET;
using PChart = Plotly.NET.CSharp.Chart;
using Plotly.NET.CSharp;

namespace WaifuLab.Plots;

/// <summary>Line charts of per-iteration series (losses, D outputs, FID), sized for notebooks and the README.</summary>
public static class Charts
{
    /// <summary>Most points drawn per series: longer series are averaged in buckets, which keeps notebooks small.</summary>
    public const int MaxPoints = 1500;

    /// <summary>One line per named series over a shared x axis.</summary>
    public static GenericChart Lines(string xTitle, string yTitle, IReadOnlyList<double> x,
        params (string Name, IReadOnlyList<double> Y)[] series)
    {
        if (series.Length == 0) throw new ArgumentException("a chart needs at least one series", nameof(series));
        var traces = series.Select(s =>
        {
            if (s.Y.Count != x.Count) throw new ArgumentException($"series '{s.Name}' has {s.Y.Count} points; the x axis has {x.Count}");
            var (bx, by) = Downsample(x, s.Y, MaxPoints);
            return PChart.Line<double, double, string>(bx, by, Name: s.Name);
        });
        return PChart.Combine(traces)
            .WithXAxisStyle<double, double, string>(TitleText: xTitle)
            .WithYAxisStyle<double, double, string>(TitleText: yTitle)
            .WithSize(760, 380);
    }

    /// <summary>Grouped bars: one bar per category and named series (e.g. the share of mixes per attribute and source).</summary>
    public static GenericChart Bars(string xTitle, string yTitle, IReadOnlyList<string> categories,
        params (string Name, IReadOnlyList<double> Y)[] series)
    {
        if (series.Length == 0) throw new ArgumentException("a chart needs at least one series", nameof(series));
        var traces = series.Select(s =>
        {
            if (s.Y.Count != categories.Count) throw new ArgumentException($"series '{s.Name}' has {s.Y.Count} values; there are {categories.Count} categories");
            return PChart.Column<double, string, string>(s.Y.ToArray(), Keys: categories.ToArray(), Name: s.Name);
        });
        return PChart.Combine(traces)
            .WithXAxisStyle<double, double, string>(TitleText: xTitle)
            .WithYAxisStyle<double, double, string>(TitleText: yTitle)
            .WithSize(760, 380);
    }

    /// <summary>Bucket means of (x, y) down to at most <paramref name="max"/> points; short series pass through.</summary>
    public static (double[] X, double[] Y) Downsample(IReadOnlyList<double> x, IReadOnlyList<double> y, int max)
    {
        int n = x.Count;
        if (n <= max) return (x.ToArray(), y.ToArray());
        var bx = new double[max];
        var by = new double[max];
        for (int b = 0; b < max; b++)
        {
            int from = (int)((long)b * n / max), to = (int)((long)(b + 1) * n / max);
            double sx = 0, sy = 0;
            for (int i = from; i < to; i++) { sx += x[i]; sy += y[i]; }
            bx[b] = sx / (to - from);
            by[b] = sy / (to - from);
        }
        return (bx, by);
    }
}
