using System.CommandLine;
using System.Text.Json;
using WaifuLab.Cli;
using WaifuLab.Cli.Commands;
using WaifuLab.Imaging;
using WaifuLab.Tests.Training;
using WaifuLab.Training;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Cli;

public sealed class ProjectCommandTests : TempFolderTest
{
    static int Cli(params string[] args) =>
        CliErrors.Run(new RootCommand { TrainCommand.Create(), ProjectCommand.Create() }, args);

    /// <summary>A conditional run trained with preset cgan-smoke on a tiny labelled folder (8 random 32 px faces); returns its checkpoint and one of its images.</summary>
    (string Checkpoint, string Image) ConditionalRun()
    {
        var folder = Path.Combine(Root, "faces");
        Directory.CreateDirectory(folder);
        using var g = new Generator(3, CPU);
        var lines = new List<string> { "file,hair,mouth" };
        for (int i = 0; i < 8; i++)
        {
            using var img = rand([3, 32, 32], generator: g).mul(2).sub(1);
            TensorImage.ToPng(img).Save(Path.Combine(folder, $"f{i}.png"));
            lines.Add($"f{i}.png,{(i % 2 == 0 ? "white" : "black")},{i / 8.0:0.###}");
        }
        File.WriteAllLines(Path.Combine(folder, "labels.csv"), lines);
        var run = Path.Combine(Root, "runs", "cond");
        Assert.Equal(0, Cli("train", "--preset", "cgan-smoke", "--data", folder, "--out", run,
            "--max-iterations", "2", "--batch-size", "4", "--device", "cpu"));
        return (new RunFolder(run).LastCheckpoint, Path.Combine(folder, "f3.png"));
    }

    static (int Code, string Out, string Err) Capture(params string[] args)
    {
        var (savedOut, savedErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o);
        Console.SetError(e);
        try { return (Cli(args), o.ToString(), e.ToString()); }
        finally
        {
            Console.SetOut(savedOut);
            Console.SetError(savedErr);
        }
    }

    [Fact]
    public void ProjectsAFaceAndWritesEveryFile()
    {
        var (ckpt, image) = ConditionalRun();
        var dir = Path.Combine(Root, "proj");
        var (code, output, error) = Capture("project", "--checkpoint", ckpt, "--image", image, "--out", dir,
            "--steps", "8", "--restarts", "2", "--no-features", "--edit", "hair=black", "--edit", "mouth=0.5");
        Assert.True(code == 0, error);
        foreach (var f in new[] { "target.png", "reconstruction.png", "curve.csv", "curve.html", "projection.json", "edits.png" })
            Assert.True(File.Exists(Path.Combine(dir, f)), $"{f} missing");
        Assert.Contains("PSNR", output);
        Assert.Contains("hair=", output);
        using (var rec = TensorImage.Load(Path.Combine(dir, "reconstruction.png")))
            Assert.Equal(new long[] { 3, 32, 32 }, rec.shape);
        // row 1: target, reconstruction and the 2 edits (4 columns); row 2: the 2 hair colours of this folder.
        using (var edits = TensorImage.Load(Path.Combine(dir, "edits.png")))
            Assert.Equal(new long[] { 3, 2 + 2 * 34, 2 + 4 * 34 }, edits.shape);
        var csv = File.ReadAllLines(Path.Combine(dir, "curve.csv"));
        Assert.Equal("restart,step,loss,pixel_mse", csv[0]);
        Assert.Equal(1 + 8 * 2, csv.Length);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "projection.json")));
        Assert.Equal("waifulab-projection", doc.RootElement.GetProperty("Format").GetString());
    }

    [Fact]
    public void RefusesBadImagesUnconditionalRunsAndUnknownEdits()
    {
        var (ckpt, image) = ConditionalRun();
        var dir = Path.Combine(Root, "proj");

        var missing = Capture("project", "--checkpoint", ckpt, "--image", Path.Combine(Root, "nope.png"), "--out", dir, "--no-features");
        Assert.InRange(missing.Code, 1, 2);
        Assert.Contains("nope.png", missing.Err);

        var notImage = Path.Combine(Root, "text.png");
        File.WriteAllText(notImage, "not a picture");
        var garbage = Capture("project", "--checkpoint", ckpt, "--image", notImage, "--out", dir, "--no-features");
        Assert.InRange(garbage.Code, 1, 2);
        Assert.Contains("not a readable image", garbage.Err);

        var unknown = Capture("project", "--checkpoint", ckpt, "--image", image, "--out", dir, "--no-features", "--steps", "2", "--edit", "hat=red");
        Assert.Equal(2, unknown.Code);
        Assert.Contains("hat", unknown.Err);

        using (var data = TrainingFixtures.MakeData(8))
        using (var t = new GanTrainer(TrainingFixtures.Tiny with { MaxIterations = 1 }, Path.Combine(Root, "u")))
        {
            t.Train(data);
            var uncond = Capture("project", "--checkpoint", t.Folder.LastCheckpoint, "--image", image, "--out", dir, "--no-features");
            Assert.Equal(2, uncond.Code);
            Assert.Contains("projection needs a conditional checkpoint (train --conditional)", uncond.Err);
        }
        Assert.False(Directory.Exists(dir));
    }
}
