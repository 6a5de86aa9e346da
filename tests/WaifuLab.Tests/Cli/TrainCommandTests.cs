using System.CommandLine;
using WaifuLab.Cli;
using WaifuLab.Cli.Commands;
using WaifuLab.Imaging;
using WaifuLab.Training;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Cli;

public sealed class TrainCommandTests : TempFolderTest
{
    static int Cli(params string[] args) =>
        CliErrors.Run(new RootCommand { TrainCommand.Create(), SampleCommand.Create() }, args);

    string MakePngFolder(int count)
    {
        var dir = Path.Combine(Root, "images", "nested");
        Directory.CreateDirectory(dir);
        using var g = new Generator(9, CPU);
        for (int i = 0; i < count; i++)
        {
            using var img = rand([3, 40, 48], generator: g).mul(2).sub(1); // not square: exercises the centre crop
            TensorImage.ToPng(img).Save(Path.Combine(dir, $"img{i:00}.png"));
        }
        File.WriteAllText(Path.Combine(dir, "broken.png"), "not a png");
        return Path.Combine(Root, "images");
    }

    [Fact]
    public void TrainOnAFolderOfPngsWritesTheRunFolderAndSampleDrawsFromIt()
    {
        var data = MakePngFolder(16);
        var run = Path.Combine(Root, "runs", "smoke");
        Assert.Equal(0, Cli("train", "--preset", "smoke", "--data", data, "--out", run, "--epochs", "2", "--batch-size", "8", "--device", "cpu", "--log-every", "1"));

        var f = new RunFolder(run);
        foreach (var path in new[] { f.Options, f.History, f.SampleGrid(1), f.SampleGrid(2), f.LastCheckpoint, f.Final })
            Assert.True(File.Exists(path), $"{path} missing");
        Assert.Equal(4, TrainHistory.Load(f.History).Count); // 16 images / batch 8 = 2 iterations x 2 epochs
        Assert.Equal(32, GanTrainer.ReadHeader(f.LastCheckpoint).Options.Model.ImageSize);

        Assert.Equal(0, Cli("train", "--resume", run, "--data", data, "--epochs", "3"));
        Assert.Equal(6, TrainHistory.Load(f.History).Count);

        var grid = Path.Combine(Root, "grid.png");
        Assert.Equal(0, Cli("sample", "--checkpoint", f.LastCheckpoint, "--count", "4", "--seed", "3", "--out", grid));
        using var image = TensorImage.Load(grid);
        Assert.Equal(new long[] { 3, 2 + 2 * 34, 2 + 2 * 34 }, image.shape); // 2x2 grid of 32 px with 2 px padding
    }

    [Fact]
    public void MistakesGiveClearErrorsAndExitCodes()
    {
        Assert.Equal(CliErrors.BadUsage, Cli("train", "--preset", "smoke", "--batch-size", "0", "--data", Root, "--out", Path.Combine(Root, "x")));
        Assert.False(Directory.Exists(Path.Combine(Root, "x")), "a failed start left a run folder behind");
        var empty = Directory.CreateDirectory(Path.Combine(Root, "empty")).FullName;
        Assert.Equal(CliErrors.Failed, Cli("train", "--preset", "smoke", "--data", empty, "--out", Path.Combine(Root, "y")));
        Assert.False(Directory.Exists(Path.Combine(Root, "y")), "an empty data folder left a run folder behind");
        Assert.Equal(CliErrors.BadUsage, Cli("train", "--preset", "nope", "--data", Root));
        // A path the user named that is not there is a usage error, as a bad number is.
        Assert.Equal(CliErrors.BadUsage, Cli("train", "--preset", "smoke", "--data", Path.Combine(Root, "missing"), "--out", Path.Combine(Root, "z")));
        Assert.False(Directory.Exists(Path.Combine(Root, "z")), "a missing data folder left a run folder behind");
        Assert.Equal(CliErrors.BadUsage, Cli("sample", "--checkpoint", Path.Combine(Root, "missing.ckpt")));
        Assert.Equal(CliErrors.BadUsage, Cli("eval", "--checkpoint", Path.Combine(Root, "missing.ckpt")));
    }
}
