using System.CommandLine;
using WaifuLab.Cli;
using WaifuLab.Cli.Commands;
using WaifuLab.Data.Synthetic;
using WaifuLab.Evaluation;
using WaifuLab.Imaging;
using WaifuLab.Models;
using WaifuLab.Models.Style;
using WaifuLab.Sampling;
using WaifuLab.Training;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Cli;

/// <summary>The style architecture through the command line: train its smoke preset, sample, mix styles, evaluate.</summary>
public sealed class StyleCliTests : TempFolderTest
{
    static int Cli(params string[] args) =>
        CliErrors.Run(new RootCommand { TrainCommand.Create(), SampleCommand.Create(), EvalCommand.Create(), ProjectCommand.Create() }, args);

    [Fact]
    public void TrainSampleMixAndEvalAStyleRun()
    {
        var faces = Path.Combine(Root, "faces");
        SyntheticFaces.Generate(faces, 32, 32, seed: 4);
        var run = Path.Combine(Root, "style");
        Assert.Equal(0, Cli("train", "--preset", "style-smoke", "--data", faces, "--out", run, "--max-iterations", "4", "--device", "cpu"));
        var ckpt = new RunFolder(run).LastCheckpoint;
        Assert.Equal(ModelFactory.Style, GanTrainer.ReadHeader(ckpt).Options.Model.Architecture);

        var plain = Path.Combine(Root, "plain.png");
        Assert.Equal(0, Cli("sample", "--checkpoint", ckpt, "--count", "4", "--seed", "1", "--truncation", "0.7", "--out", plain));
        Assert.True(File.Exists(plain));

        // A 3 x 2 mixing grid with every layer from the top faces: each cell is its column's top face.
        var all = Path.Combine(Root, "all.png");
        Assert.Equal(0, Cli("sample", "--checkpoint", ckpt, "--mix", "5,6", "--layers", "0-7", "--columns", "3", "--rows", "2", "--out", all));
        using (var grid = TensorImage.Load(all))
        {
            Assert.Equal(new long[] { 3, 2 + 3 * 34, 2 + 4 * 34 }, grid.shape);
            using var top = grid.narrow(1, 2, 32).narrow(2, 2 + 34, 32);
            using var cell = grid.narrow(1, 2 + 34, 32).narrow(2, 2 + 34, 32);
            Assert.True(top.equal(cell).all().item<bool>(), "with layers 0-7 a cell is its top face");
        }
        // With the coarse layers only, cells differ from both sources.
        var coarse = Path.Combine(Root, "coarse.png");
        Assert.Equal(0, Cli("sample", "--checkpoint", ckpt, "--mix", "5,6", "--layers", "0-3", "--columns", "3", "--rows", "2", "--out", coarse));
        using (var grid = TensorImage.Load(coarse))
        {
            using var top = grid.narrow(1, 2, 32).narrow(2, 2 + 34, 32);
            using var side = grid.narrow(1, 2 + 34, 32).narrow(2, 2, 32);
            using var cell = grid.narrow(1, 2 + 34, 32).narrow(2, 2 + 34, 32);
            Assert.False(top.equal(cell).all().item<bool>());
            Assert.False(side.equal(cell).all().item<bool>());
        }

        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(CliErrors.BadUsage, Cli("sample", "--checkpoint", ckpt, "--mix", "5,6", "--layers", "0-8", "--out", coarse));
            Assert.Equal(CliErrors.BadUsage, Cli("sample", "--checkpoint", ckpt, "--mix", "5", "--out", coarse));
            Assert.Equal(CliErrors.BadUsage, Cli("sample", "--checkpoint", ckpt, "--truncation", "1.5", "--out", coarse));
        }
        finally
        {
            Console.SetError(saved);
        }
        Assert.Contains("within 0-7", error.ToString());
        Assert.Contains("two seeds A,B", error.ToString());

        // Projection into W+ from the command line, pixel loss only.
        var face = Directory.GetFiles(faces, "*.png", SearchOption.AllDirectories).First();
        var proj = Path.Combine(Root, "proj");
        Assert.Equal(0, Cli("project", "--checkpoint", ckpt, "--image", face, "--out", proj, "--steps", "6", "--restarts", "1", "--no-features", "--space", "w+"));
        foreach (var f in new[] { "target.png", "reconstruction.png", "curve.csv" }) Assert.True(File.Exists(Path.Combine(proj, f)), f);
        Assert.Equal(CliErrors.BadUsage, Cli("project", "--checkpoint", ckpt, "--image", face, "--out", proj, "--edit", "hair=white", "--no-features"));

        Assert.Equal(0, Cli("eval", "--checkpoint", ckpt, "--data", faces, "--count", "16", "--classifier-cache", Path.Combine(Root, "cache"), "--classifier-epochs", "1"));
        Assert.True(double.IsFinite(MetricsLog.Read(MetricsLog.PathIn(run)).Single().Fid));
    }

    [Fact]
    public void BandsFollowThePapersLabelling()
    {
        var g = new StyleGenerator(new WaifuLab.Models.GanModelOptions(64, 16, 4, 4) { Architecture = ModelFactory.Style, Style = new() { MappingLayers = 1, WDim = 8 } });
        Assert.Equal(10, g.NumWs);
        Assert.Equal((0, 3), StyleMixing.Band(g, "coarse"));
        Assert.Equal((4, 7), StyleMixing.Band(g, "middle"));
        Assert.Equal((8, 9), StyleMixing.Band(g, "fine"));
        Assert.Equal((2, 5), StyleMixing.ParseLayers("2-5", 10));
        Assert.Equal((4, 4), StyleMixing.ParseLayers("4", 10));
        Assert.Throws<ArgumentException>(() => StyleMixing.ParseLayers("5-2", 10));
        g.Dispose();
    }
}
