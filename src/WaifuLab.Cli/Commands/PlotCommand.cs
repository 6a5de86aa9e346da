using System.CommandLine;
using WaifuLab.Plots;

namespace WaifuLab.Cli.Commands;

/// <summary>
/// <c>waifulab plot RUN --out F.png</c>: a run's loss and D(x)/D(G(z)) curves as a static PNG, for READMEs and
/// reports (no browser needed, unlike the notebooks' Plotly charts).
/// </summary>
public static class PlotCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("RUN") { Description = "Run folder (its history.csv is read) or a history.csv file." };
        var output = new Option<string>("--out") { Description = "PNG file to write (atomically).", Required = true };
        var width = new Option<int>("--width") { Description = "Width in pixels.", DefaultValueFactory = _ => new HistoryPngOptions().Width };
        var height = new Option<int>("--height") { Description = "Height in pixels.", DefaultValueFactory = _ => new HistoryPngOptions().Height };
        var title = new Option<string?>("--title") { Description = "Title (default: 'Training curves: ' and the run folder's name)." };
        var smooth = new Option<int>("--smooth") { Description = "Moving-mean window in iterations; 0: about 1/50 of the run; 1: raw only.", DefaultValueFactory = _ => 0 };
        var command = new Command("plot", "Write a run's loss and D(x)/D(G(z)) curves as a PNG.") { run, output, width, height, title, smooth };
        command.SetAction(parse =>
        {
            var source = parse.GetValue(run)!;
            var historyFile = HistoryPng.HistoryPath(source);
            var options = new HistoryPngOptions
            {
                Width = parse.GetValue(width),
                Height = parse.GetValue(height),
                Title = parse.GetValue(title) ?? $"Training curves: {RunName(historyFile)}",
                SmoothWindow = parse.GetValue(smooth),
            };
            var history = Training.TrainHistory.Load(historyFile);
            var path = parse.GetValue(output)!;
            var png = HistoryPng.Save(history, path, options);
            parse.InvocationConfiguration.Output.WriteLine($"wrote {path} ({png.Width}x{png.Height}, {history.Count} iterations from {historyFile})");
            return CliErrors.Ok;
        });
        return command;
    }

    static string RunName(string historyFile) =>
        Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(historyFile))) ?? Path.GetFileName(historyFile);
}
