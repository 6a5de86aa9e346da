using System.CommandLine;
using SkiaSharp;
using WaifuLab.Cli;
using WaifuLab.Cli.Commands;
using WaifuLab.Tests.Data;

namespace WaifuLab.Tests.Cli;

public class DataInfoCommandTests
{
    static (int Code, string Output) Run(params string[] args)
    {
        var root = new RootCommand { new Command("data") { DataInfoCommand.Create() } };
        var output = new StringWriter();
        int code = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, EnableDefaultExceptionHandler = false });
        return (code, output.ToString());
    }

    [Fact]
    public void Data_info_reports_counts_labels_and_cache()
    {
        var folder = new TestFolder();
        folder.Solid("a.png", 8, SKColors.Red);
        folder.Solid("b.png", 8, SKColors.Blue);
        folder.Solid("c.png", 8, SKColors.Green);
        folder.Text("bad.png", "junk");
        folder.Text("labels.csv", "file,hair,mouth\na.png,pink,0.2\nb.png,pink,0.4\nc.png,black,0.9\nbad.png,black,0\n");

        var (code, first) = Run("data", "info", folder.Root, "--size", "8");
        Assert.Equal(CliErrors.Ok, code);
        Assert.Contains("4 found, 3 loaded, 1 corrupt, 0 unlabelled", first);
        Assert.Contains("corrupt    bad.png", first);
        Assert.Contains("(3,3,8,8) float32", first);
        Assert.Contains("hair (categorical): black 1 (33.3%), pink 2 (66.7%)", first);
        Assert.Contains("mouth (continuous in [0, 0.9]): min 0.2, mean 0.5, max 0.9", first);
        Assert.Contains("cache      written", first);

        var (_, second) = Run("data", "info", folder.Root, "--size", "8");
        Assert.Contains("cache      hit", second);

        var (_, plain) = Run("data", "info", folder.Root, "--size", "8", "--no-labels", "--no-cache");
        Assert.Contains("labels     none", plain);
        Assert.Contains("cache      disabled", plain);

        folder.Text("labels.csv", "file,hair\na.png,pink\n");
        var error = Assert.Throws<WaifuLab.Data.LabelFileException>(() => Run("data", "info", folder.Root, "--size", "8"));
        Assert.True(CliErrors.IsUserFacing(error), "reported as a one-line error, not a stack trace");
        var (_, dropped) = Run("data", "info", folder.Root, "--size", "8", "--drop-unlabelled");
        Assert.Contains("4 found, 1 loaded, 0 corrupt, 3 unlabelled", dropped);
    }
}
