using WaifuLab.Evaluation;
using WaifuLab.Tests.Training;
using WaifuLab.Training;

namespace WaifuLab.Tests.Evaluation;

[Collection(BuiltInFacesFixture.Collection)]
public sealed class TrainingEvaluationTests(BuiltInFacesFixture faces) : IDisposable
{
    readonly string root = TrainingFixtures.TempFolder();

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    static readonly EvaluationOptions Small = new(Count: 40, KidSubsets: 3);

    [Fact]
    public void Scores_every_k_epochs_into_metrics_jsonl_and_the_in_memory_list()
    {
        using var evaluator = new Evaluator(faces.Classifier, faces.HeldOut);
        using var data = TrainingFixtures.MakeData();                       // 16 images: 4 iterations per epoch
        using var trainer = new GanTrainer(TrainingFixtures.Tiny with { Epochs = 4 }, Path.Combine(root, "run"));
        using var evaluation = TrainingEvaluation.Attach(trainer, evaluator, everyEpochs: 2, Small, classifierName: "test.wlc");
        var seen = new List<EvaluationRecord>();
        evaluation.Evaluated += seen.Add;
        trainer.Train(data);

        Assert.Empty(evaluation.Errors);
        Assert.Equal(new[] { 2, 4 }, evaluation.Records.Select(r => r.Epoch));
        Assert.Equal(new long[] { 8, 16 }, evaluation.Records.Select(r => r.Iteration));
        Assert.Equal(evaluation.Records, seen);
        Assert.All(evaluation.Records, r =>
        {
            Assert.True(double.IsFinite(r.Fid) && r.Fid > 0);
            Assert.True(double.IsFinite(r.FidFloor));
            Assert.Equal(40, r.FakeCount);
            Assert.Equal("test.wlc", r.Classifier);
            Assert.Equal(TrainingEvaluation.TrainingSource, r.Source);
        });
        Assert.Equal(Path.Combine(trainer.Folder.Root, "metrics.jsonl"), evaluation.MetricsPath);
        var read = MetricsLog.Read(evaluation.MetricsPath);
        Assert.Equal(evaluation.Records.Select(r => (r.Epoch, r.Fid, r.Kid, r.FidFloor)), read.Select(r => (r.Epoch, r.Fid, r.Kid, r.FidFloor)));
        Assert.NotNull(evaluation.Chart());
    }

    [Fact]
    public void The_same_noise_is_scored_each_time_and_detaching_stops_scoring()
    {
        using var evaluator = new Evaluator(faces.Classifier, faces.HeldOut);
        using var data = TrainingFixtures.MakeData();
        using var trainer = new GanTrainer(TrainingFixtures.Tiny with { Epochs = 1 }, Path.Combine(root, "run"));
        var evaluation = TrainingEvaluation.Attach(trainer, evaluator, 1, Small);
        var a = evaluation.EvaluateNow();
        var b = evaluation.EvaluateNow();
        Assert.Equal(a.Fid, b.Fid, 6);                   // unchanged generator, same noise, same split: same score
        evaluation.Detach();
        trainer.Train(data);
        Assert.Equal(2, evaluation.Records.Count);

        // A later session on the same run continues its curve from the file.
        using var again = TrainingEvaluation.Attach(trainer, evaluator, 1, Small);
        Assert.Equal(2, again.Records.Count);
    }

    [Fact]
    public void A_generator_of_another_size_or_a_bad_interval_is_refused()
    {
        using var evaluator = new Evaluator(faces.Classifier, faces.HeldOut);
        using var trainer = new GanTrainer(TrainingFixtures.Tiny with { Model = TrainingFixtures.Tiny.Model with { ImageSize = 64 } }, Path.Combine(root, "run"));
        var e = Assert.Throws<ArgumentException>(() => TrainingEvaluation.Attach(trainer, evaluator, 1));
        Assert.Contains("64 px", e.Message);
        using var small = new GanTrainer(TrainingFixtures.Tiny, Path.Combine(root, "run2"));
        Assert.Throws<ArgumentException>(() => TrainingEvaluation.Attach(small, evaluator, 0));
    }
}
