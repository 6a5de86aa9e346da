using SkiaSharp;
using WaifuLab.Plots;
using WaifuLab.Training;

namespace WaifuLab.Tests.Plots;

public class HistoryPngTests
{
    /// <summary>A noisy, D-dominant-looking run of <paramref name="count"/> iterations.</summary>
    internal static TrainHistory NoisyHistory(int count)
    {
        var random = new Random(7);
        var history = new TrainHistory();
        for (int i = 1; i <= count; i++)
        {
            double dReal = Math.Clamp(0.9 + 0.08 * (random.NextDouble() - 0.5), 0, 1);
            double dFake = Math.Clamp(0.1 + 0.08 * (random.NextDouble() - 0.5), 0, 1);
            history.Add(new TrainStep(i, 1 + i / 100, 0.3 + 0.2 * random.NextDouble(), 4 + 3 * random.NextDouble(),
                dReal, dFake, dFake / 2, 10));
        }
        return history;
    }

    static string TempDir() => Directory.CreateTempSubdirectory("waifulab-plot").FullName;

    [Fact]
    public void Writes_a_png_of_the_requested_size_with_curves_and_text()
    {
        var path = Path.Combine(TempDir(), "sub", "curves.png");
        var png = HistoryPng.Save(NoisyHistory(400), path, new HistoryPngOptions { Width = 640, Height = 420, Title = "Test run" });

        Assert.Equal((640, 420), (png.Width, png.Height));
        using var bitmap = SKBitmap.Decode(path);
        Assert.NotNull(bitmap);
        Assert.Equal((640, 420), (bitmap.Width, bitmap.Height));

        double sum = 0, sumSq = 0;
        int coloured = 0, darkAboveFrame = 0;
        // The top panel's frame is the first row that is mostly dark; the title is above it.
        int frameTop = Enumerable.Range(0, bitmap.Height).First(y =>
            Enumerable.Range(0, bitmap.Width).Count(x => Luma(bitmap.GetPixel(x, y)) < 100) > bitmap.Width / 2);
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                double l = Luma(c);
                sum += l;
                sumSq += l * l;
                if (Math.Max(c.Red, Math.Max(c.Green, c.Blue)) - Math.Min(c.Red, Math.Min(c.Green, c.Blue)) > 80) coloured++;
                if (y < frameTop && l < 100) darkAboveFrame++;
            }
        double n = bitmap.Width * bitmap.Height, mean = sum / n;
        Assert.True(sumSq / n - mean * mean > 100, "the image is not blank");
        Assert.True(coloured > 2000, $"the four coloured curves are drawn ({coloured} saturated pixels)");
        // Without a loaded font file ScottPlot draws no text at all on our Skia natives: the title must be there.
        Assert.True(darkAboveFrame > 30, $"the title is drawn ({darkAboveFrame} dark pixels above the frame at row {frameTop})");
    }

    static double Luma(SKColor c) => (c.Red + c.Green + c.Blue) / 3.0;

    [Fact]
    public void Missing_history_is_a_clear_error_and_writes_nothing()
    {
        var dir = TempDir();
        var output = Path.Combine(dir, "out.png");
        var missing = Path.Combine(dir, "no-such-run");

        var error = Assert.Throws<FileNotFoundException>(() => HistoryPng.Save(missing, output));
        Assert.Contains(missing, error.Message);
        var empty = Directory.CreateDirectory(Path.Combine(dir, "empty-run")).FullName;
        error = Assert.Throws<FileNotFoundException>(() => HistoryPng.Save(empty, output));
        Assert.Contains("has no history.csv", error.Message);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Reads_a_run_folder_or_its_csv()
    {
        var run = TempDir();
        NoisyHistory(50).Save(Path.Combine(run, "history.csv"));
        var fromFolder = HistoryPng.Save(run, Path.Combine(run, "a.png"), new HistoryPngOptions { Width = 300, Height = 200 });
        var fromCsv = HistoryPng.Save(Path.Combine(run, "history.csv"), Path.Combine(run, "b.png"), new HistoryPngOptions { Width = 300, Height = 200 });
        Assert.Equal(fromFolder.Bytes, fromCsv.Bytes);
    }

    [Fact]
    public void Bad_sizes_and_empty_histories_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => HistoryPng.Render(NoisyHistory(5), new HistoryPngOptions { Width = 10 }));
        Assert.Throws<ArgumentException>(() => HistoryPng.Render(NoisyHistory(5), new HistoryPngOptions { SmoothWindow = -1 }));
        Assert.Throws<ArgumentException>(() => HistoryPng.Render(new TrainHistory()));
    }

    [Fact]
    public void Moving_mean_is_centred_and_shrinks_at_the_ends()
    {
        Assert.Equal([1.5, 2, 3, 4, 4.5], HistoryPng.MovingMean([1, 2, 3, 4, 5], 3));
        Assert.Equal([1, 2, 3], HistoryPng.MovingMean([1, 2, 3], 1));
        Assert.All(HistoryPng.MovingMean(Enumerable.Repeat(0.7, 40).ToArray(), 8), v => Assert.Equal(0.7, v, 12));
    }
}
