using TorchSharp.Modules;
using WaifuLab.Data;
using WaifuLab.Stabilizers;
using WaifuLab.Training;
using static TorchSharp.torch;
using static WaifuLab.Tests.Training.TrainingFixtures;

namespace WaifuLab.Tests.Stabilizers;

/// <summary>The stabilisers inside the real trainer (GanTrainer + DcganGenerator/DcganDiscriminator).</summary>
public sealed class TrainerStabilizerTests : TempFolderTest
{
    string Run(string name) => Path.Combine(Root, name);

    static List<TrainStep> Steps(GanTrainer t, ImageDataset data, int n)
    {
        var steps = new List<TrainStep>();
        for (int i = 0; i < n; i++)
        {
            using var scope = NewDisposeScope();
            steps.Add(t.TrainOn(data.Images.narrow(0, (i * 4) % 16, 4)));
        }
        return steps;
    }

    [Fact]
    public void DefaultStabilizersReproduceThePlainUpdateExactly()
    {
        using var data = MakeData();
        using var plain = new GanTrainer(Tiny, Run("plain"));
        using var stab = new GanTrainer(Tiny with { Dominance = new DominanceOptions() }, Run("stab"));
        var a = Steps(plain, data, 4);
        var b = Steps(stab, data, 4);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(a[i].LossD, b[i].LossD);
            Assert.Equal(a[i].LossG, b[i].LossG);
            Assert.Equal(a[i].DFakeAfter, b[i].DFakeAfter);
        }
        Assert.Null(a[0].Extra);
        foreach (var key in new[] { "d_acc_real", "d_acc_fake", "grad_norm_d", "grad_norm_g", "grad_norm_g_out", "dominated" })
            Assert.True(b[^1].Extra!.ContainsKey(key), $"missing {key}");
        Assert.True(b[^1].Extra!["grad_norm_g_out"] > 0);
        Assert.True(b[^1].Extra!["grad_norm_d"] > 0);
    }

    [Fact]
    public void SpectralNormBringsEveryConvOfTheRealDiscriminatorToSigmaOne()
    {
        using var data = MakeData();
        using var t = new GanTrainer(Tiny with { Model = Tiny.Model with { SpectralNorm = true } }, Run("sn"));
        var convs = t.Discriminator.modules().OfType<Conv2d>().ToList();
        Assert.NotEmpty(convs);
        Assert.All(convs, c => Assert.True(SpectralNorm.IsApplied(c)));
        Steps(t, data, 6);
        foreach (var c in convs)
        {
            using var w = SpectralNorm.NormalizedWeight(c);
            using var m = w.reshape(w.shape[0], -1);
            using var s = linalg.svdvals(m);
            Assert.InRange(s.max().item<float>(), 0.9, 1.1); // the power iteration has converged on the layer G and D train
        }
    }

    [Fact]
    public void HingeLossStartsNearTwoForD()
    {
        using var data = MakeData();
        using var t = new GanTrainer(Tiny with { Objective = new() { Loss = GanLossKind.Hinge } }, Run("hinge"));
        var s = Steps(t, data, 1)[0];
        // Logits near 0 at init: relu(1 - 0) + relu(1 + 0) = 2, and G's -mean(logit) near 0 (BCE would give 2 ln 2 and ln 2).
        Assert.InRange(s.LossD, 1.7, 2.3);
        Assert.InRange(s.LossG, -0.3, 0.3);
    }

    [Fact]
    public void EmaSamplesDifferFromRawGAndSurviveACheckpoint()
    {
        using var data = MakeData();
        var o = Tiny with { EmaBeta = 0.9 };
        Tensor sample;
        using (var t = new GanTrainer(o, Run("ema")))
        {
            Steps(t, data, 5);
            Assert.NotSame(t.Generator, t.SamplingGenerator);
            using var z = randn(4, 8);
            sample = t.Generate(z);
            using var raw = no_grad();
            t.Generator.eval();
            using var fromG = t.Generator.forward(z);
            Assert.False(Eq(sample, fromG), "EMA sampling equals raw G");
            // The average normalises with its own BatchNorm statistics (standing statistics), not G's copied ones.
            var (gMean, emaMean) = (t.Generator.buffers().First(b => b.shape.Length == 1), t.SamplingGenerator.buffers().First(b => b.shape.Length == 1));
            Assert.False(gMean.allclose(emaMean, rtol: 0, atol: 1e-6), "the EMA generator normalises with G's running statistics");
            t.SaveCheckpoint();
            using var loaded = GanTrainer.Load(t.LastCheckpoint!);
            using var again = loaded.Generate(z);
            Assert.True(Eq(sample, again), "the EMA generator was not restored from the checkpoint");
            Assert.Equal(5, loaded.Ema!.Updates);
        }
        sample.Dispose();
    }

    [Fact]
    public void ResumedStabilizedRunContinuesExactly()
    {
        using var data = MakeData();
        var o = Tiny with
        {
            Epochs = 2,
            Objective = new() { DiffAugmentPolicy = "color,translation", InstanceNoiseSigma0 = 0.1 },
            EmaBeta = 0.9, Model = Tiny.Model with { SpectralNorm = true }, LrD = Tiny.LrD * 2, Dominance = new DominanceOptions(),
        };
        using (var full = new GanTrainer(o, Run("full"))) full.Train(data);
        using (var half = new GanTrainer(o with { Epochs = 1 }, Run("half"))) half.Train(data);
        using (var resumed = GanTrainer.Resume(Run("half"), x => x with { Epochs = 2 })) resumed.Train(data);
        var a = TrainHistory.Load(new RunFolder(Run("full")).History);
        var b = TrainHistory.Load(new RunFolder(Run("half")).History);
        Assert.Equal(a.Select(s => s.LossD), b.Select(s => s.LossD));
        Assert.Equal(a.Select(s => s.LossG), b.Select(s => s.LossG));
    }

    [Fact]
    public void InstrumentationColumnsReachHistoryCsv()
    {
        using var data = MakeData();
        using var t = new GanTrainer(Tiny with { Objective = new() { R1Gamma = 1 }, Dominance = new DominanceOptions() }, Run("csv"));
        t.Train(data);
        var header = File.ReadLines(t.Folder.History).First();
        foreach (var col in new[] { "d_acc_real", "d_acc_fake", "grad_norm_d", "grad_norm_g", "grad_norm_g_out", "dominated", "r1" })
            Assert.Contains(col, header);
    }

    [Fact]
    public void DetectorFlagsAForcedDominanceAndThePrinterWarns()
    {
        using var data = MakeData();
        var o = Tiny with
        {
            LrD = 2e-2,
            LrG = 1e-6,
            Dominance = new DominanceOptions { Window = 8 },
        };
        using var t = new GanTrainer(o, Run("dom"));
        var text = new StringWriter();
        var printer = new TrainProgressPrinter(text, every: 1000);
        int started = 0;
        t.Detector!.EpisodeStarted += (_, _) => started++;
        var steps = new List<TrainStep>();
        for (int i = 0; i < 30; i++)
        {
            using var scope = NewDisposeScope();
            var s = t.TrainOn(data.Images.narrow(0, (i * 4) % 16, 4));
            steps.Add(s);
            printer.Report(new TrainProgress(s, 30, 4, 1, 1));
        }
        Assert.True(steps.Count(s => s.Extra!["dominated"] == 1) >= 10, "a D with 20000x G's learning rate was not flagged");
        Assert.True(started >= 1);
        Assert.Contains("warning: D dominates", text.ToString());

        // The balanced default is not flagged over the same budget.
        using var calm = new GanTrainer(Tiny with { Dominance = new DominanceOptions { Window = 8 } }, Run("calm"));
        Assert.All(Steps(calm, data, 30), s => Assert.Equal(0, s.Extra!["dominated"]));
    }

    [Fact]
    public void AblationRunsThroughTheTrainerAndNeverDeletesAForeignFolder()
    {
        using var data = MakeData();
        var setup = new TrainerAblationSetup { Ngf = 4, DWidthFactor = 2, Nz = 8, Iterations = 3, BatchSize = 4, EvalSamples = 0 };
        var row = TrainerAblation.RunOne("hinge", Remedies.Get("hinge"), data, setup, Root);
        Assert.Equal(3, row.History.Count);
        Assert.True(File.Exists(Path.Combine(Root, "hinge", "history.csv")));
        Assert.True(double.IsNaN(row.Fid));
        Assert.True(row.Grid.Width > 0);
        // Running again replaces its own run folder, but a folder it did not write is refused.
        TrainerAblation.RunOne("hinge", Remedies.Get("hinge"), data, setup, Root);
        Directory.CreateDirectory(Path.Combine(Root, "ema"));
        File.WriteAllText(Path.Combine(Root, "ema", "keep.txt"), "mine");
        Assert.Throws<IOException>(() => TrainerAblation.RunOne("ema", Remedies.Get("ema"), data, setup, Root));
        Assert.True(File.Exists(Path.Combine(Root, "ema", "keep.txt")));
    }

    [Fact]
    public void AblationRunsAnyArchitectureAndSummarisesAMonitoredRunTheSameWay()
    {
        using var data = MakeData();
        // Notebook 02's rows: whole option sets (here the residual pair), not remedies on the DCGAN setup.
        var resnet = Tiny with { Model = Tiny.Model with { Architecture = WaifuLab.Models.ModelFactory.Resnet }, MaxIterations = 2 };
        var row = TrainerAblation.RunOne("resnet", resnet, data, Root, evalSamples: 0);
        Assert.Equal(2, row.History.Count);
        Assert.All(row.History, s => Assert.True(s.Extra!.ContainsKey("dominated"))); // a detector for every row
        Assert.InRange(row.DominatedShare, 0, 1);
        Assert.True(row.MsPerIteration > 0);
        Assert.Throws<ArgumentException>(() => TrainerAblation.RunOne("big", resnet with { Model = resnet.Model with { ImageSize = 64 } }, data, Root));

        // A run trained elsewhere without a detector: the share comes from the detector run over its history.
        using var plain = new GanTrainer(Tiny with { MaxIterations = 3 }, Run("plain"));
        var h = plain.Train(data);
        Assert.DoesNotContain(h, s => s.Extra?.ContainsKey("dominated") == true);
        var summary = TrainerAblation.Summarize("plain", plain, h, evalSamples: 0);
        Assert.Equal(3, summary.History.Count);
        Assert.InRange(summary.DominatedShare, 0, 1);
        Assert.Throws<ArgumentException>(() => TrainerAblation.Summarize("plain", plain, h, evalSamples: 2));
    }

    [Fact]
    public void ResumeRefusesOtherStabilizers()
    {
        using var data = MakeData();
        using (var t = new GanTrainer(Tiny with { MaxIterations = 1, Dominance = new DominanceOptions() }, Run("r"))) t.Train(data);
        Assert.Throws<ArgumentException>(() => GanTrainer.Resume(Run("r"), x => x with { Objective = new() { R1Gamma = 1 } }));
    }
}
