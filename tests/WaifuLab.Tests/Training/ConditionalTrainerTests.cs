using WaifuLab.Conditional;
using WaifuLab.Data;
using WaifuLab.Imaging;
using WaifuLab.Training;
using static TorchSharp.torch;
using static WaifuLab.Tests.Training.TrainingFixtures;

namespace WaifuLab.Tests.Training;

/// <summary>Conditional runs through GanTrainer: labels in, labels in the checkpoint, sampling by attribute, exact resume.</summary>
public sealed class ConditionalTrainerTests : TempFolderTest
{
    string Run(string name) => Path.Combine(Root, name);

    public static LabelSchema Schema { get; } = new([
        AttributeSpec.Categorical("hair", "black", "white", "red"),
        AttributeSpec.Categorical("glasses", "no", "yes"),
        AttributeSpec.Continuous("mouth", 0, 1),
    ]);

    public static TrainOptions TinyConditional(ConditioningMode mode = ConditioningMode.Projection) =>
        Tiny with { Conditioning = mode, EmbedSize = 4, SampleGridCount = 6 };

    /// <summary>Random 32 px images with random labels of <see cref="Schema"/> (fixed seed).</summary>
    public static ImageDataset MakeLabelledData(int count = 16)
    {
        var rng = new Random(7);
        var rows = new float[count * Schema.Width];
        for (int i = 0; i < count; i++)
        {
            var row = Schema.Encode(new Dictionary<string, string>
            {
                ["hair"] = Schema["hair"].Values[rng.Next(3)],
                ["glasses"] = rng.Next(2) == 0 ? "no" : "yes",
                ["mouth"] = rng.NextDouble().ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            row.CopyTo(rows, i * Schema.Width);
        }
        using var images = MakeData(count);
        return new ImageDataset(images.Images.clone(), tensor(rows, new long[] { count, Schema.Width }), "random labelled");
    }

    [Theory]
    [InlineData(ConditioningMode.Projection, false)]
    [InlineData(ConditioningMode.AuxiliaryClassifier, false)]
    [InlineData(ConditioningMode.ProjectionClassifier, true)]
    public void ConditionalRunStoresItsLabelsAndSamplesByAttribute(ConditioningMode mode, bool conditionalBatchNorm)
    {
        using var data = MakeLabelledData();
        using var t = new GanTrainer(TinyConditional(mode) with { Epochs = 2, ConditionalBatchNorm = conditionalBatchNorm }, Run("c"), Schema);
        t.Train(data);

        Assert.True(t.IsConditional);
        Assert.Equal(8, t.Iteration);
        Assert.Equal(mode, t.ConditionalDiscriminator!.Mode);
        if (mode != ConditioningMode.Projection) Assert.Contains("aux_d", t.History[^1].Extra!.Keys);
        var header = GanTrainer.ReadHeader(t.Folder.LastCheckpoint);
        Assert.Equal(new[] { "hair", "glasses", "mouth" }, header.Labels!.Attributes.Select(a => a.Name));
        Assert.Equal(mode, header.Options.Conditioning);
        Assert.Equal(conditionalBatchNorm, header.Options.ConditionalBatchNorm);
        using (var grid = TensorImage.Load(t.Folder.SampleGrid(2))) // 3 hair rows x 2 columns of 32 px, 2 px padding
            Assert.Equal(new long[] { 3, 2 + 3 * 34, 2 + 2 * 34 }, grid.shape);

        using var loaded = GanTrainer.Load(t.Folder.LastCheckpoint);
        Assert.Equal(16, loaded.ConditionPool!.Count);
        var white = loaded.Request("hair=white", "mouth=0.8");
        using var a = loaded.Sample(5, white, seed: 3);
        using var b = t.Sample(5, t.Request("hair=white", "mouth=0.8"), seed: 3);
        using var red = loaded.Sample(5, loaded.Request("hair=red", "mouth=0.8"), seed: 3);
        using var any = loaded.Sample(7, seed: 3);
        Assert.Equal(new long[] { 5, 3, 32, 32 }, a.shape);
        Assert.Equal(new long[] { 7, 3, 32, 32 }, any.shape);
        // Close, not bit-identical: libtorch's CPU convolutions may round differently from call to call (~1e-9 seen here).
        Assert.True(a.allclose(b, rtol: 0, atol: 1e-5), "the loaded run draws other images than the trained one");
        Assert.False(a.allclose(red, rtol: 0, atol: 1e-6), "the requested hair colour does not reach G");
    }

    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(true, 0.0)]
    [InlineData(true, 0.9)]
    public void ConditionalResumeContinuesTheRunExactly(bool conditionalBatchNorm, double emaBeta)
    {
        using var data = MakeLabelledData();
        var o = TinyConditional(ConditioningMode.AuxiliaryClassifier) with { Epochs = 3, ConditionalBatchNorm = conditionalBatchNorm, EmaBeta = emaBeta };
        using var whole = new GanTrainer(o, Run("whole"), Schema);
        whole.Train(data);

        using (var first = new GanTrainer(o with { MaxIterations = 6 }, Run("halves"), Schema)) // stops mid-epoch 2
            first.Train(data);
        // A resume that would change what is trained is refused (before the real one: it holds the folder's lock).
        Assert.Throws<ArgumentException>(() => GanTrainer.Resume(Run("halves"), x => x with { Conditioning = ConditioningMode.Projection }));
        Assert.Throws<ArgumentException>(() => GanTrainer.Resume(Run("halves"), x => x with { ConditionalBatchNorm = !conditionalBatchNorm }));
        Assert.Throws<ArgumentException>(() => GanTrainer.Resume(Run("halves"), x => x with { EmaBeta = 0.5 }));
        using var second = GanTrainer.Resume(Run("halves"), x => x with { MaxIterations = null });
        Assert.True(second.IsConditional);
        Assert.Equal(6, second.Iteration);
        second.Train(data);

        Assert.Equal(12, second.Iteration);
        Assert.Equal(whole.History.Select(s => (s.Iteration, s.LossD, s.LossG)), second.History.Select(s => (s.Iteration, s.LossD, s.LossG)));
        Assert.True(Same(Snapshot(whole.ConditionalGenerator!), second.ConditionalGenerator!), "resumed G differs from the uninterrupted run's");
        Assert.True(Same(Snapshot(whole.ConditionalDiscriminator!), second.ConditionalDiscriminator!), "resumed D differs from the uninterrupted run's");
        Assert.True(Same(Snapshot(whole.ConditionalSamplingGenerator!), second.ConditionalSamplingGenerator!), "resumed EMA of G differs from the uninterrupted run's");
    }

    [Fact]
    public void ModeSeekingRunsPairNoiseUnderOneConditionAndLogTheTerm()
    {
        using var data = MakeLabelledData();
        var o = TinyConditional(ConditioningMode.ProjectionClassifier) with { MaxIterations = 3, Objective = new() { ModeSeekingWeight = 1 } };
        using var t = new GanTrainer(o, Run("ms"), Schema);
        t.Train(data);
        Assert.All(t.History, s => Assert.True(s.Extra!["mode_seeking"] > 0));
        Assert.Contains("mode_seeking", File.ReadLines(t.Folder.History).First());
        Assert.Equal(1, GanTrainer.ReadHeader(t.Folder.LastCheckpoint).Options.Objective.ModeSeekingWeight);
        using var plain = new GanTrainer(o with { Objective = new() }, Run("plain"), Schema);
        plain.Train(data);
        Assert.DoesNotContain("mode_seeking", plain.History[^1].Extra!.Keys);
        Assert.NotEqual(plain.History[^1].LossG, t.History[^1].LossG); // the term is in G's loss
    }

    [Fact]
    public void EmaOfGIsWhatAConditionalRunSamplesFrom()
    {
        using var data = MakeLabelledData();
        using var t = new GanTrainer(TinyConditional(ConditioningMode.ProjectionClassifier) with { MaxIterations = 1, EmaBeta = 0.9, ConditionalBatchNorm = true }, Run("ema"), Schema);
        var g0 = Snapshot(t.ConditionalGenerator!);
        Assert.True(Same(g0, t.ConditionalSamplingGenerator!), "the average must start as a copy of G");
        t.Train(data);
        var g = t.ConditionalGenerator!;
        var avg = t.ConditionalSamplingGenerator!;
        Assert.NotSame(g, avg);

        // One update with the ramp-up's first decay, min(0.9, 1/10) = 0.1: avg = 0.1 g0 + 0.9 g1.
        foreach (var (p0, (p1, pa)) in g0.Zip(g.parameters().Zip(avg.parameters())))
        {
            using var expected = p0.mul(0.1).add(p1.detach(), alpha: 0.9);
            Assert.True(pa.allclose(expected, rtol: 0, atol: 1e-6), "the average is not 0.1 g0 + 0.9 g1 after one update");
        }
        Assert.False(Same(Snapshot(g), avg), "the average equals G: it is not averaging");
        // Its BatchNorm statistics are its own (standing statistics), not G's copied ones.
        var (gStats, avgStats) = (g.buffers().First(b => b.shape.Length == 1), avg.buffers().First(b => b.shape.Length == 1));
        Assert.False(gStats.allclose(avgStats, rtol: 0, atol: 1e-6), "the average normalises with G's running statistics");

        using var z = randn(new long[] { 3, t.Options.Model.Nz });
        using var c = t.ConditionPool!.Rows.narrow(0, 0, 3).clone();
        using var viaTrainer = t.Generate(z, c);
        using var fromAvg = Rendering.Render(avg, z, c);
        using var fromG = Rendering.Render(g, z, c);
        Assert.True(viaTrainer.allclose(fromAvg, rtol: 0, atol: 1e-6), "Generate does not draw from the average of G");
        Assert.False(viaTrainer.allclose(fromG, rtol: 0, atol: 1e-6), "Generate draws from G, not from its average");

        using var loaded = GanTrainer.Load(t.Folder.LastCheckpoint); // the average is in the checkpoint
        Assert.True(Same(Snapshot(avg), loaded.ConditionalSamplingGenerator!), "the loaded average differs from the saved one");
        Assert.True(Same(Snapshot(g), loaded.ConditionalGenerator!));

        Assert.Throws<ArgumentException>(() => (Tiny with { BatchSize = 1, Objective = new() { ModeSeekingWeight = 1 } }).Validate()); // no pair in a batch of 1
        Assert.Throws<ArgumentException>(() => (TinyConditional() with { EmaBeta = 1.0 }).Validate());
    }

    [Fact]
    public void MisuseIsRefusedClearly()
    {
        using var labelled = MakeLabelledData();
        using var unlabelled = MakeData();

        var noLabels = Assert.Throws<ArgumentException>(() => new GanTrainer(TinyConditional(), Run("x")));
        Assert.Contains("labels", noLabels.Message);
        Assert.False(Directory.Exists(Run("x")));

        using (var c = new GanTrainer(TinyConditional(), Run("c"), Schema))
        {
            var e = Assert.Throws<ArgumentException>(() => c.Train(unlabelled));
            Assert.Contains("this dataset has no labels.csv; conditional training needs one (see data/README.md)", e.Message);
            Assert.Throws<InvalidOperationException>(() => c.Generator);
            var bad = Assert.Throws<ArgumentException>(() => c.Request("hair=green"));
            Assert.Contains("black, white, red", bad.Message);
            Assert.Contains("glasses", Assert.Throws<ArgumentException>(() => c.Request("hat=yes")).Message);
            using var images = MakeData(4);
            Assert.Throws<ArgumentException>(() => c.TrainOn(images.Images)); // no conditions
        }

        using var u = new GanTrainer(Tiny with { MaxIterations = 1 }, Run("u"), Schema); // labels ignored: unconditional
        u.Train(labelled);
        Assert.False(u.IsConditional);
        Assert.Null(u.Labels);
        Assert.Null(GanTrainer.ReadHeader(u.Folder.LastCheckpoint).Labels);
        var refused = Assert.Throws<ArgumentException>(() => u.Sample(2, AttributeRequest.Parse(Schema, "hair=white"), seed: 1));
        Assert.Contains("unconditional", refused.Message);
        Assert.Throws<ArgumentException>(() => u.Request("hair=white"));
    }
}
