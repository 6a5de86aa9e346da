using ScottPlot;
using SkiaSharp;
using WaifuLab.Imaging;
using WaifuLab.Training;

namespace WaifuLab.Plots;

/// <summary>
/// A run's curves as a static PNG (README figures, <c>waifulab plot</c>): losses on top, D(x) and D(G(z)) below,
/// per iteration, each noisy raw series faint under its moving mean. Plotly charts (<see cref="Charts"/>) cannot be
/// exported without a browser, so this draws with ScottPlot on SkiaSharp.
/// </summary>
public static class HistoryPng
{
    static readonly object FontLock = new();
    static readonly Dictionary<string, string> Registered = [];

    /// <summary>Draws the two panels and encodes them as a PNG of the requested size.</summary>
    public static PngImage Render(TrainHistory history, HistoryPngOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        options ??= new HistoryPngOptions();
        options.Validate();
        if (history.Count == 0) throw new ArgumentException("the history has no iterations to plot", nameof(history));
        var font = FontFamily(PlotFont.Resolve(options.FontFile));
        int window = options.SmoothWindow == 0 ? Math.Max(5, history.Count / 50) : options.SmoothWindow;
        var x = history.Series(s => s.Iteration);

        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        var losses = multiplot.GetPlot(0);
        var outputs = multiplot.GetPlot(1);

        var lossSeries = new[]
        {
            AddSeries(losses, x, history.Series(s => s.LossD), "loss_D", Colors.C0, window),
            AddSeries(losses, x, history.Series(s => s.LossG), "loss_G", Colors.C1, window),
        };
        losses.Title(options.Title ?? "Training curves");
        losses.YLabel("loss");

        var outputSeries = new[]
        {
            AddSeries(outputs, x, history.Series(s => s.DReal), "D(x)", Colors.C2, window),
            AddSeries(outputs, x, history.Series(s => s.DFakeBefore), "D(G(z))", Colors.C3, window),
        };
        outputs.YLabel("D output (probability)");
        bool smoothed = window > 1 && history.Count > window;
        outputs.XLabel(smoothed ? $"iteration    (faint: each iteration; bold: moving mean of {window})" : "iteration");

        // Both panels span the same iterations, so their x axes line up for reading one against the other.
        double xMin = x[0], xMax = Math.Max(x[^1], x[0] + 1);
        var (lossMin, lossMax) = Range(lossSeries);
        double pad = Math.Max(lossMax - lossMin, 1e-6);
        losses.Axes.SetLimits(xMin, xMax, lossMin - 0.04 * pad, lossMax + 0.12 * pad);
        outputs.Axes.SetLimits(xMin, xMax, -0.02, 1.02);
        foreach (var (plot, series) in new[] { (losses, lossSeries), (outputs, outputSeries) })
        {
            plot.Font.Set(font);
            var limits = plot.Axes.GetLimits();
            plot.ShowLegend(LegendCorner(series, limits.Left, limits.Right, limits.Bottom, limits.Top));
            plot.Legend.BackgroundColor = Colors.White.WithAlpha(0.85);
            plot.Legend.ShadowColor = Colors.Transparent;
        }

        using var surface = SKSurface.Create(new SKImageInfo(options.Width, options.Height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"SkiaSharp could not make a {options.Width}x{options.Height} surface");
        surface.Canvas.Clear(SKColors.White);
        multiplot.Render(surface.Canvas, new PixelRect(0, options.Width, options.Height, 0));
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return new PngImage(data.ToArray(), options.Width, options.Height);
    }

    /// <summary>Renders and writes the PNG atomically.</summary>
    public static PngImage Save(TrainHistory history, string path, HistoryPngOptions? options = null)
    {
        var png = Render(history, options);
        png.Save(path);
        return png;
    }

    /// <summary>Loads a run folder's history.csv (or the CSV itself) and writes its PNG.</summary>
    /// <exception cref="FileNotFoundException">Neither a run folder with history.csv nor a history file.</exception>
    public static PngImage Save(string runFolderOrHistoryCsv, string path, HistoryPngOptions? options = null) =>
        Save(TrainHistory.Load(HistoryPath(runFolderOrHistoryCsv)), path, options);

    /// <summary>The history file of a run folder, or the path itself when it is a file.</summary>
    public static string HistoryPath(string runFolderOrHistoryCsv)
    {
        if (Directory.Exists(runFolderOrHistoryCsv))
        {
            var csv = Path.Combine(runFolderOrHistoryCsv, "history.csv");
            return File.Exists(csv) ? csv
                : throw new FileNotFoundException($"run folder {runFolderOrHistoryCsv} has no history.csv: train into it first, or give the CSV's path", csv);
        }
        return File.Exists(runFolderOrHistoryCsv) ? runFolderOrHistoryCsv
            : throw new FileNotFoundException($"run folder or history file not found: {runFolderOrHistoryCsv}", runFolderOrHistoryCsv);
    }

    /// <summary>The points drawn for one series: raw, and its moving mean (empty when not smoothed).</summary>
    sealed record Drawn(double[] X, double[] Raw, double[] Mean);

    /// <summary>
    /// The raw series, faint when a moving mean is drawn over it (only the mean is in the legend, to keep the legend
    /// small); non-finite values (a run stopped on NaN) are left out rather than wrecking the axis range.
    /// </summary>
    static Drawn AddSeries(Plot plot, IReadOnlyList<double> x, IReadOnlyList<double> y, string name, Color color, int window)
    {
        var finite = Enumerable.Range(0, y.Count).Where(i => double.IsFinite(y[i])).ToArray();
        if (finite.Length == 0) return new Drawn([], [], []);
        var fx = finite.Select(i => x[i]).ToArray();
        var fy = finite.Select(i => y[i]).ToArray();
        bool smooth = window > 1 && fy.Length > window;

        var (rx, ry) = Charts.Downsample(fx, fy, Charts.MaxPoints);
        var raw = plot.Add.ScatterLine(rx, ry, smooth ? color.WithAlpha(0.3) : color);
        raw.LineWidth = smooth ? 1 : 1.5f;
        if (!smooth)
        {
            raw.LegendText = name;
            return new Drawn(rx, ry, []);
        }
        var (mx, my) = Charts.Downsample(fx, MovingMean(fy, window), Charts.MaxPoints);
        var mean = plot.Add.ScatterLine(mx, my, color);
        mean.LineWidth = 2;
        mean.LegendText = name;
        return new Drawn(rx, ry, my);
    }

    static (double Min, double Max) Range(IEnumerable<Drawn> series)
    {
        var all = series.SelectMany(s => s.Raw).ToArray();
        return all.Length == 0 ? (0, 1) : (all.Min(), all.Max());
    }

    /// <summary>
    /// The legend goes in the corner the curves cross least (bold means count fully, faint raw points a quarter), so
    /// it hides as little as possible whichever way a run went.
    /// </summary>
    static Alignment LegendCorner(IReadOnlyList<Drawn> series, double left, double right, double bottom, double top)
    {
        (Alignment Where, double X0, double X1, double Y0, double Y1)[] boxes =
        [
            (Alignment.UpperRight, 0.75, 1, 0.78, 1), (Alignment.UpperLeft, 0, 0.25, 0.78, 1),
            (Alignment.LowerRight, 0.75, 1, 0, 0.22), (Alignment.LowerLeft, 0, 0.25, 0, 0.22),
            (Alignment.MiddleRight, 0.75, 1, 0.39, 0.61), (Alignment.UpperCenter, 0.375, 0.625, 0.78, 1),
        ];
        double width = Math.Max(right - left, 1e-12), height = Math.Max(top - bottom, 1e-12);
        double Crossings((Alignment Where, double X0, double X1, double Y0, double Y1) box)
        {
            double count = 0;
            foreach (var s in series)
                for (int i = 0; i < s.X.Length; i++)
                {
                    double fx = (s.X[i] - left) / width;
                    if (fx < box.X0 || fx > box.X1) continue;
                    if (In((s.Raw[i] - bottom) / height)) count += 0.25;
                    // The mean was downsampled from the same x as the raw points, so index i is the same iteration.
                    if (i < s.Mean.Length && In((s.Mean[i] - bottom) / height)) count += 1;
                }
            return count;
            bool In(double fy) => fy >= box.Y0 && fy <= box.Y1;
        }
        return boxes.MinBy(Crossings).Where;
    }

    /// <summary>Centred moving mean; the window shrinks at the ends instead of inventing values.</summary>
    public static double[] MovingMean(IReadOnlyList<double> y, int window)
    {
        if (window < 1) throw new ArgumentException($"the window must be at least 1, not {window}", nameof(window));
        var prefix = new double[y.Count + 1];
        for (int i = 0; i < y.Count; i++) prefix[i + 1] = prefix[i] + y[i];
        var result = new double[y.Count];
        int before = (window - 1) / 2, after = window / 2;
        for (int i = 0; i < y.Count; i++)
        {
            int from = Math.Max(0, i - before), to = Math.Min(y.Count, i + after + 1);
            result[i] = (prefix[to] - prefix[from]) / (to - from);
        }
        return result;
    }

    /// <summary>ScottPlot resolves fonts by family name from a global registry: register each file once, by a private name.</summary>
    static string FontFamily(string file)
    {
        lock (FontLock)
        {
            if (!Registered.TryGetValue(file, out var family))
            {
                family = $"WaifuLab {Path.GetFileNameWithoutExtension(file)}";
                Fonts.AddFontFile(family, file, bold: false, italic: false);
                // Titles ask for bold: the family's bold file when it sits beside the regular one, else the regular face.
                var bold = Path.Combine(Path.GetDirectoryName(file)!, $"{Path.GetFileNameWithoutExtension(file)}-Bold{Path.GetExtension(file)}");
                Fonts.AddFontFile(family, File.Exists(bold) ? bold : file, bold: true, italic: false);
                Registered[file] = family;
            }
            return family;
        }
    }
}
