using WaifuLab.Backend;
using WaifuLab.Conditional;
using WaifuLab.Evaluation;
using WaifuLab.Training;
using static WaifuLab.Tests.Training.TrainingFixtures;

namespace WaifuLab.Tests.Evaluation;

/// <summary>The attribute-control measurement of notebook 04 and `waifulab eval`, on a tiny conditional run at 32 px.</summary>
public sealed class AttributeControlTests : TempFolderTest
{
    [Fact]
    public void Measures_every_attribute_repeats_for_the_same_seed_and_refuses_unconditional_runs()
    {
        using var data = ToySquares.Make(160, seed: 2, size: 32);
        var (classifier, _) = AttributeClassifier.Train(data, ToySquares.Schema,
            new AttributeClassifierOptions(Epochs: 1, BatchSize: 32, Features: 8, Seed: 3, Device: ComputeDevice.Cpu));
        using var _c = classifier;
        using var run = new GanTrainer(Tiny with { Conditioning = ConditioningMode.Projection, EmbedSize = 4, MaxIterations = 3 },
            Path.Combine(Root, "c"), ToySquares.Schema);
        run.Train(data);

        var a = AttributeControl.Measure(classifier, run, 50, seed: 1);
        var b = AttributeControl.Measure(classifier, run, 50, seed: 1);
        Assert.Equal(50, a.Count);
        Assert.Equal(["colour", "side"], a.Attributes.Select(x => x.Name));
        Assert.InRange(a["colour"].Accuracy, 0, 1);
        Assert.Equal(a.ToString(), b.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => AttributeControl.Measure(classifier, run, 1, seed: 1));

        using var plain = new GanTrainer(Tiny with { MaxIterations = 1 }, Path.Combine(Root, "u"));
        plain.Train(data);
        Assert.Contains("conditional run", Assert.Throws<ArgumentException>(() => AttributeControl.Measure(classifier, plain, 50, seed: 1)).Message);
    }
}
