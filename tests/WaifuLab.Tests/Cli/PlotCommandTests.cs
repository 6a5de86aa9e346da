using System.CommandLine;
using SkiaSharp;
using WaifuLab.Cli;
using WaifuLab.Cli.Commands;
using WaifuLab.Tests.Plots;

namespace WaifuLab.Tests.Cli;

public class PlotCommandTests
{
    static (int Code, string Output) Run(params string[] args)
    {
        var root = new RootCommand { PlotCommand.Create() };
        var output = new StringWriter();
        int code = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, EnableDefaultExceptionHandler = false });
        return (code, output.ToString());
    }

    [Fact]
    public void Plot_writes_the_run_curves_and_names_a_missing_history()
    {
        var run = Directory.CreateTempSubdirectory("waifulab-plot-cli").FullName;
        HistoryPngTests.NoisyHistory(60).Save(Path.Combine(run, "history.csv"));
        var png = Path.Combine(run, "curves.png");

        var (code, text) = Run("plot", run, "--out", png, "--width", "400", "--height", "300");
        Assert.Equal(CliErrors.Ok, code);
        Assert.Contains("wrote", text);
        Assert.Contains("60 iterations", text);
        using (var bitmap = SKBitmap.Decode(png))
            Assert.Equal((400, 300), (bitmap.Width, bitmap.Height));

        var missing = Path.Combine(run, "nope");
        var error = Assert.Throws<FileNotFoundException>(() => Run("plot", missing, "--out", png));
        Assert.Contains(missing, error.Message);
        Assert.True(CliErrors.IsUserFacing(error), "reported as a one-line error, not a stack trace");
    }
}
