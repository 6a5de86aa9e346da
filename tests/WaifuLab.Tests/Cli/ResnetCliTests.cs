using WaifuLab.Imaging;
using WaifuLab.Models;
using WaifuLab.Training;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Cli;

/// <summary>The residual architecture from the command line: a resnet preset trains, samples, and bench times it.</summary>
public sealed class ResnetCliTests : TempFolderTest
{
    [Fact]
    public void ResnetPresetTrainsAndSamplesAt128Px()
    {
        var data = Path.Combine(Root, "images");
        Directory.CreateDirectory(data);
        using (var g = new TorchSharp.torch.Generator(5, CPU))
            for (int i = 0; i < 8; i++)
            {
                using var img = rand([3, 128, 128], generator: g).mul(2).sub(1);
                TensorImage.ToPng(img).Save(Path.Combine(data, $"img{i}.png"));
            }
        var run = Path.Combine(Root, "runs", "res");
        var train = CliProcess.Run(Root, ["train", "--preset", "resnet128-smoke", "--data", data, "--out", run, "--max-iterations", "2", "--batch-size", "4", "--device", "cpu"]);
        Assert.True(train.ExitCode == 0, train.Stderr);
        var f = new RunFolder(run);
        Assert.True(File.Exists(f.LastCheckpoint), "no checkpoint");
        var header = GanTrainer.ReadHeader(f.LastCheckpoint);
        Assert.Equal(ModelFactory.Resnet, header.Options.Model.Architecture);
        Assert.Equal(2, TrainHistory.Load(f.History).Count);

        var grid = Path.Combine(Root, "grid.png");
        var sample = CliProcess.Run(Root, ["sample", "--checkpoint", f.LastCheckpoint, "--count", "4", "--out", grid]);
        Assert.True(sample.ExitCode == 0, sample.Stderr);
        using var png = TensorImage.Load(grid);
        Assert.Equal(3, png.shape[0]);
        Assert.True(png.shape[1] > 128, "the grid is not made of 128 px images");
    }

    [Fact]
    public void BenchTimesTheResidualModelAgainstABareLoopOfTheSameModel()
    {
        var r = CliProcess.Run(Root, ["bench", "--arch", "resnet", "--size", "32", "--nf", "4", "--batch", "4", "--iterations", "2", "--warmup", "1"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("bench: resnet, 32 px", r.Stdout);
        Assert.Contains("trainer speed / bare loop speed = ", r.Stdout);
        var bad = CliProcess.Run(Root, ["bench", "--arch", "vit"]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("vit", bad.Stderr);
    }
}
