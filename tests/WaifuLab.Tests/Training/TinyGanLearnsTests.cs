using WaifuLab.Backend;
using WaifuLab.Evaluation;
using WaifuLab.Models;
using WaifuLab.Tests.Evaluation;
using WaifuLab.Training;
using Xunit.Abstractions;
using static WaifuLab.Tests.Training.TrainingFixtures;

namespace WaifuLab.Tests.Training;

/// <summary>
/// The trainer does more than run: a small DCGAN trained briefly on built-in faces draws pictures that the evaluation
/// feature network finds much closer to real faces than its untrained self. Judged by FID against unseen faces, so a
/// broken loss sign, a detached G step or a frozen optimizer fails it.
/// </summary>
[Collection(BuiltInFacesFixture.Collection)]
public sealed class TinyGanLearnsTests(BuiltInFacesFixture faces, ITestOutputHelper output) : TempFolderTest
{
    [Fact]
    public void Training_300_iterations_on_built_in_faces_at_least_halves_the_fid()
    {
        var options = new TrainOptions
        {
            Model = new GanModelOptions(32, 32, 16, 16),
            BatchSize = 32,
            Epochs = 4,
            MaxIterations = 300,
            SampleGridCount = 16,
            Device = ComputeDevice.Cpu,
        };
        using var trainer = new GanTrainer(options, Path.Combine(Root, "tiny"));
        using var evaluator = new Evaluator(faces.Classifier, faces.HeldOut);
        var eval = new EvaluationOptions(Count: 300, KidSubsets: 5, Seed: 2);

        var before = evaluator.Evaluate(n => trainer.Sample(n, seed: 3), eval);
        var history = trainer.Train(faces.Train);
        var after = evaluator.Evaluate(n => trainer.Sample(n, seed: 3), eval);

        output.WriteLine($"before training:\n{before}\n\nafter {history.Count} iterations:\n{after}");
        Assert.Equal(300, history.Count);
        Assert.True(after.Fid < 0.5 * before.Fid, $"FID {before.Fid:0.00} -> {after.Fid:0.00}: G did not learn");
    }
}
