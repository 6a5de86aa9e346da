using WaifuLab.Conditional;
using WaifuLab.Evaluation;
using WaifuLab.Training;
using static TorchSharp.torch;
using static WaifuLab.Tests.Training.TrainingFixtures;

namespace WaifuLab.Tests.Evaluation;

/// <summary>The noise-variety figure of `waifulab eval`: zero exactly when G ignores z, positive otherwise.</summary>
public sealed class NoiseVarietyTests : TempFolderTest
{
    [Fact]
    public void Is_zero_for_a_generator_that_ignores_its_noise_and_positive_for_one_that_does_not()
    {
        using var data = ToySquares.Make(32, seed: 2, size: 32);
        var options = Tiny with { Conditioning = ConditioningMode.Projection, EmbedSize = 4, MaxIterations = 2 };
        using var run = new GanTrainer(options, Path.Combine(Root, "c"), ToySquares.Schema);
        run.Train(data);

        double variety = NoiseVariety.Measure(run, 20, seed: 1);
        Assert.True(variety > 0);
        Assert.Equal(variety, NoiseVariety.Measure(run, 20, seed: 1), 6);

        // Cut z off: G's first layer reads (z, embed(c)) as input channels; zero the weights of z's channels.
        int nz = options.Model.Nz;
        var first = run.ConditionalGenerator!.parameters().First(p => p.dim() == 4 && p.shape[0] == nz + options.EmbedSize);
        using (no_grad()) first.narrow(0, 0, nz).zero_();
        Assert.Equal(0.0, NoiseVariety.Measure(run, 20, seed: 1), 6);

        Assert.True(NoiseVariety.BuiltInReference(4, 32) > 0.05); // drawn faces differ in background, skin, pose...
        using var plain = new GanTrainer(Tiny with { MaxIterations = 1 }, Path.Combine(Root, "u"));
        Assert.Throws<ArgumentException>(() => NoiseVariety.Measure(plain, 20, seed: 1));
    }
}
