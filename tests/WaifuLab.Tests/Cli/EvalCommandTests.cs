using System.CommandLine;
using WaifuLab.Cli;
using WaifuLab.Cli.Commands;
using WaifuLab.Data.Synthetic;
using WaifuLab.Evaluation;
using WaifuLab.Imaging;
using WaifuLab.Training;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Cli;

public sealed class EvalCommandTests : IDisposable
{
    readonly string root = Path.Combine(Path.GetTempPath(), "waifulab-tests", Guid.NewGuid().ToString("N"));

    public EvalCommandTests() => Directory.CreateDirectory(root);

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    static int Cli(params string[] args) =>
        CliErrors.Run(new RootCommand { TrainCommand.Create(), EvalCommand.Create() }, args);

    [Fact]
    public void Eval_scores_a_checkpoint_against_labelled_data_and_appends_to_metrics_jsonl()
    {
        var faces = Path.Combine(root, "faces");
        SyntheticFaces.Generate(faces, 48, 32, seed: 4);
        var run = Path.Combine(root, "runs", "smoke");
        Assert.Equal(0, Cli("train", "--preset", "smoke", "--data", faces, "--out", run, "--epochs", "2", "--batch-size", "16", "--device", "cpu"));
        var cache = Path.Combine(root, "cache");
        var ckpt = new RunFolder(run).LastCheckpoint;

        Assert.Equal(0, Cli("eval", "--checkpoint", ckpt, "--data", faces, "--count", "24", "--classifier-cache", cache, "--classifier-epochs", "1"));
        Assert.Single(Directory.GetFiles(cache, "*.wlc"));
        var records = MetricsLog.Read(MetricsLog.PathIn(run));
        var last = Assert.Single(records);
        Assert.Equal(2, last.Epoch);
        Assert.Equal(24, last.FakeCount);
        Assert.Equal(48, last.RealCount);
        Assert.Equal(Path.GetFullPath(ckpt), last.Source);
        Assert.True(double.IsFinite(last.Fid));

        // The second time the classifier comes from the cache.
        Assert.Equal(0, Cli("eval", "--classifier-only", "--data", faces, "--size", "32", "--classifier-cache", cache, "--classifier-epochs", "1"));
        Assert.Single(Directory.GetFiles(cache, "*.wlc"));
    }

    [Fact]
    public void Eval_on_unlabelled_images_says_the_features_need_labels()
    {
        var images = Path.Combine(root, "plain");
        Directory.CreateDirectory(images);
        using var g = new Generator(2, CPU);
        for (int i = 0; i < 12; i++)
        {
            using var img = rand([3, 32, 32], generator: g).mul(2).sub(1);
            TensorImage.ToPng(img).Save(Path.Combine(images, $"p{i}.png"));
        }
        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(CliErrors.Failed, Cli("eval", "--classifier-only", "--data", images, "--size", "32", "--classifier-cache", Path.Combine(root, "c")));
            Assert.Equal(CliErrors.BadUsage, Cli("eval", "--data", images));
            // train --eval-every checks the labels before it creates the run folder.
            Assert.Equal(CliErrors.Failed, Cli("train", "--preset", "smoke", "--data", images, "--out", Path.Combine(root, "run"), "--eval-every", "1"));
        }
        finally
        {
            Console.SetError(saved);
        }
        Assert.Contains("labels.csv", error.ToString());
        Assert.Contains("--classifier-data", error.ToString());
        Assert.False(Directory.Exists(Path.Combine(root, "c")));
        Assert.False(Directory.Exists(Path.Combine(root, "run")));
    }
}
