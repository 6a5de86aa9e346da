using System.CommandLine;
using WaifuLab.Cli;
using WaifuLab.Cli.Commands;
using WaifuLab.Conditional;
using WaifuLab.Imaging;
using WaifuLab.Tests.Training;
using WaifuLab.Training;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Cli;

public sealed class ConditionalSampleCommandTests : TempFolderTest
{
    static int Cli(params string[] args) =>
        CliErrors.Run(new RootCommand { TrainCommand.Create(), SampleCommand.Create() }, args);

    string Checkpoint(bool conditional)
    {
        using var data = ConditionalTrainerTests.MakeLabelledData();
        var options = conditional ? ConditionalTrainerTests.TinyConditional() : TrainingFixtures.Tiny;
        using var t = new GanTrainer(options with { MaxIterations = 2 }, Path.Combine(Root, conditional ? "c" : "u"), ConditionalTrainerTests.Schema);
        t.Train(data);
        return t.Folder.LastCheckpoint;
    }

    [Fact]
    public void SampleByAttributeAndGrid()
    {
        var ckpt = Checkpoint(conditional: true);
        var png = Path.Combine(Root, "white.png");
        Assert.Equal(0, Cli("sample", "--checkpoint", ckpt, "--attr", "hair=white", "--attr", "mouth=0.8", "--count", "4", "--seed", "2", "--out", png));
        using (var image = TensorImage.Load(png))
            Assert.Equal(new long[] { 3, 2 + 2 * 34, 2 + 2 * 34 }, image.shape);

        var grid = Path.Combine(Root, "grid.png");
        Assert.Equal(0, Cli("sample", "--checkpoint", ckpt, "--grid", "hair", "--columns", "5", "--out", grid));
        using (var image = TensorImage.Load(grid)) // 3 hair colours x 5 noise vectors
            Assert.Equal(new long[] { 3, 2 + 3 * 34, 2 + 5 * 34 }, image.shape);
    }

    [Fact]
    public void UnknownAttributesAndValuesAreRefusedWithTheValidOnes()
    {
        var ckpt = Checkpoint(conditional: true);
        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(2, Cli("sample", "--checkpoint", ckpt, "--attr", "hat=red", "--out", Path.Combine(Root, "x.png")));
            Assert.Equal(2, Cli("sample", "--checkpoint", ckpt, "--attr", "hair=green", "--out", Path.Combine(Root, "x.png")));
            Assert.Equal(2, Cli("sample", "--checkpoint", ckpt, "--attr", "mouth=3", "--out", Path.Combine(Root, "x.png")));
            Assert.Equal(2, Cli("sample", "--checkpoint", Checkpoint(conditional: false), "--attr", "hair=white", "--out", Path.Combine(Root, "x.png")));
        }
        finally
        {
            Console.SetError(saved);
        }
        var text = error.ToString();
        Assert.Contains("hair, glasses, mouth", text);
        Assert.Contains("black, white, red", text);
        Assert.Contains("[0, 1]", text);
        Assert.Contains("unconditional", text);
        Assert.False(File.Exists(Path.Combine(Root, "x.png")));
    }

    [Fact]
    public void TrainConditionalOnALabelledFolderAndRefuseAnUnlabelledOne()
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
        var unlabelled = Path.Combine(Root, "unlabelled");
        Directory.CreateDirectory(unlabelled);
        foreach (var f in Directory.GetFiles(folder)) File.Copy(f, Path.Combine(unlabelled, Path.GetFileName(f)));
        File.WriteAllLines(Path.Combine(folder, "labels.csv"), lines);

        var run = Path.Combine(Root, "runs", "cond");
        Assert.Equal(0, Cli("train", "--preset", "smoke", "--conditional", "--conditioning", "acgan", "--data", folder, "--out", run,
            "--max-iterations", "2", "--batch-size", "4", "--device", "cpu"));
        var header = GanTrainer.ReadHeader(new RunFolder(run).LastCheckpoint);
        Assert.Equal(ConditioningMode.AuxiliaryClassifier, header.Options.Conditioning);
        Assert.Equal(new[] { "hair", "mouth" }, header.Labels!.Attributes.Select(a => a.Name));
        Assert.False(header.Options.ConditionalBatchNorm);

        var both = Path.Combine(Root, "runs", "both");
        Assert.Equal(0, Cli("train", "--preset", "smoke", "--conditioning", "projection-ac", "--conditional-batchnorm", "--aux-weight", "0.5",
            "--data", folder, "--out", both, "--max-iterations", "1", "--batch-size", "4", "--device", "cpu"));
        var o = GanTrainer.ReadHeader(new RunFolder(both).LastCheckpoint).Options;
        Assert.Equal((ConditioningMode.ProjectionClassifier, true, 0.5), (o.Conditioning!.Value, o.ConditionalBatchNorm, o.Objective.AuxWeight));
        var off = Path.Combine(Root, "runs", "off");
        Assert.Equal(0, Cli("train", "--preset", "cgan-smoke", "--conditional-batchnorm", "false",
            "--data", folder, "--out", off, "--max-iterations", "1", "--batch-size", "4", "--device", "cpu"));
        Assert.False(GanTrainer.ReadHeader(new RunFolder(off).LastCheckpoint).Options.ConditionalBatchNorm); // the preset has it on

        // --ema averages G in either kind of run, through the one option.
        var ema = Path.Combine(Root, "runs", "ema");
        Assert.Equal(0, Cli("train", "--preset", "cgan-smoke", "--ema", "0.99",
            "--data", folder, "--out", ema, "--max-iterations", "1", "--batch-size", "4", "--device", "cpu"));
        Assert.Equal(0.99, GanTrainer.ReadHeader(new RunFolder(ema).LastCheckpoint).Options.EmaBeta);
        var plainEma = Path.Combine(Root, "runs", "plain-ema");
        Assert.Equal(0, Cli("train", "--preset", "smoke", "--ema", "0.99",
            "--data", folder, "--out", plainEma, "--max-iterations", "1", "--batch-size", "4", "--device", "cpu"));
        var plain = GanTrainer.ReadHeader(new RunFolder(plainEma).LastCheckpoint).Options;
        Assert.Equal(0.99, plain.EmaBeta);

        // Every remedy combines with a conditional preset: the recommended set, then single terms on top.
        var remedies = Path.Combine(Root, "runs", "remedies");
        Assert.Equal(0, Cli("train", "--preset", "cgan-smoke", "--remedies", "recommended", "--r1", "1", "--r1-every", "2", "--instance-noise", "0.1",
            "--d-steps", "2", "--g-steps", "2", "--lr-d", "4e-4", "--lr-g", "1e-4", "--beta1", "0", "--beta2", "0.9", "--dominance", "--mode-seeking", "0.5", "--aux-weight", "2",
            "--data", folder, "--out", remedies, "--max-iterations", "2", "--batch-size", "4", "--device", "cpu"));
        var r = GanTrainer.ReadHeader(new RunFolder(remedies).LastCheckpoint).Options;
        Assert.Equal((WaifuLab.Stabilizers.GanLossKind.Hinge, true, WaifuLab.Stabilizers.DiffAugment.FullPolicy, 0.999),
            (r.Objective.Loss, r.Model.SpectralNorm, r.Objective.DiffAugmentPolicy, r.EmaBeta));
        Assert.Equal((1.0, 2, 0.1, 2, 2, 4e-4, 1e-4, 0.5, 2.0), (r.Objective.R1Gamma, r.Objective.R1Every, r.Objective.InstanceNoiseSigma0,
            r.Objective.DSteps, r.Objective.GSteps, r.LrD, r.LrG, r.Objective.ModeSeekingWeight, r.Objective.AuxWeight));
        Assert.Equal((0.0, 0.9), (r.Beta1, r.Beta2));
        Assert.NotNull(r.Dominance);
        var smoothing = Path.Combine(Root, "runs", "smoothing");
        Assert.Equal(0, Cli("train", "--preset", "cgan-smoke", "--loss", "saturating", "--label-smoothing", "--diffaugment-policy", "translation",
            "--spectral-norm", "--data", folder, "--out", smoothing, "--max-iterations", "1", "--batch-size", "4", "--device", "cpu"));
        var sm = GanTrainer.ReadHeader(new RunFolder(smoothing).LastCheckpoint).Options;
        Assert.Equal((WaifuLab.Stabilizers.GanLossKind.Saturating, true, "translation", true),
            (sm.Objective.Loss, sm.Objective.LabelSmoothing, sm.Objective.DiffAugmentPolicy, sm.Model.SpectralNorm));
        // A combination that means nothing is a usage error that says why, and leaves no run folder.
        Assert.Equal(2, Cli("train", "--preset", "cgan-smoke", "--loss", "hinge", "--label-smoothing",
            "--data", folder, "--out", Path.Combine(Root, "runs", "bad"), "--max-iterations", "1", "--device", "cpu"));
        Assert.False(Directory.Exists(Path.Combine(Root, "runs", "bad")));

        Assert.Equal(2, Cli("train", "--preset", "smoke", "--conditional", "--data", unlabelled, "--out", Path.Combine(Root, "runs", "no"),
            "--max-iterations", "1", "--device", "cpu"));
        Assert.False(Directory.Exists(Path.Combine(Root, "runs", "no")));
    }
}
