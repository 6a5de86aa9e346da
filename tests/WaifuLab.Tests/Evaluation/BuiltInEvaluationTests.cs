using WaifuLab.Evaluation;
using WaifuLab.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Evaluation;

[Collection(BuiltInFacesFixture.Collection)]
public class BuiltInEvaluationTests(BuiltInFacesFixture faces, ITestOutputHelper output)
{
    [Fact]
    public void Classifier_reads_hair_and_eye_colour_of_held_out_built_in_faces_at_least_95_percent()
    {
        output.WriteLine($"{faces.Report}\ndrawn in {faces.DrawSeconds:0.0} s, trained in {faces.TrainSeconds:0.0} s");
        Assert.Equal(330, faces.Report.HeldOutCount);
        Assert.True(faces.Report["hair"].Accuracy >= 0.95, faces.Report.ToString());
        Assert.True(faces.Report["eyes"].Accuracy >= 0.95, faces.Report.ToString());
        // Unseen faces from far along the sequence too (the report's hold-out comes from the training draw).
        var predicted = faces.Classifier.Predict(faces.HeldOut.Images);
        foreach (var (name, offset, width) in new[] { ("hair", 0, 8), ("eyes", 8, 6) })
        {
            using var truth = faces.HeldOut.Conditions!.narrow(1, offset, width).argmax(1);
            double accuracy = predicted.Classes(name).Zip(truth.data<long>().ToArray()).Average(p => p.First == p.Second ? 1.0 : 0.0);
            output.WriteLine($"{name} accuracy on 1,000 unseen faces: {accuracy:P1}");
            Assert.True(accuracy >= 0.95, $"{name} accuracy on unseen faces {accuracy:P1}");
        }
    }

    [Fact]
    public void Fid_ranks_an_untrained_generator_far_worse_than_unseen_real_faces()
    {
        using var evaluator = new Evaluator(faces.Classifier, faces.HeldOut);
        var options = new EvaluationOptions(Count: 300, KidSubsets: 5, Seed: 2);
        using var generator = new DcganGenerator(new GanModelOptions(32, 16, 8, 8));
        generator.eval();
        using var g = new Generator(5, CPU);
        EvaluationReport untrained;
        using (no_grad())
            untrained = evaluator.Evaluate(n => generator.forward(randn([n, 16], generator: g)), options);
        var real = evaluator.Evaluate(faces.Other.Images, options);
        output.WriteLine($"untrained G:\n{untrained}\n\nunseen real faces:\n{real}");

        Assert.Equal(300, untrained.FakeCount);
        Assert.Equal(300, untrained.FloorCount);
        Assert.True(untrained.Fid > 10 * real.Fid, $"untrained FID {untrained.Fid:0.00} vs real {real.Fid:0.00}");
        Assert.True(untrained.Fid > 10 * untrained.FidFloor, $"untrained FID {untrained.Fid:0.00} vs floor {untrained.FidFloor:0.00}");
        // Real faces score near the floor (the floor compares halves of the same size, so it is the same order).
        Assert.True(real.Fid < 3 * real.FidFloor + 1e-6, $"real FID {real.Fid:0.00} vs floor {real.FidFloor:0.00}");
        Assert.True(untrained.Kid.Mean > real.Kid.Mean + 5 * (untrained.Kid.Std + real.Kid.Std), $"KID {untrained.Kid} vs {real.Kid}");
    }
}
