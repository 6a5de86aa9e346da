namespace WaifuLab.Evaluation;

/// <summary>
/// One evaluation of a generator as a line of a run's metrics.jsonl (one JSON object per line, as stylegan2-ada's
/// metric logs): when it was scored (epoch, iteration), the scores beside their real-vs-real floors, and what they
/// were measured with (sample counts, classifier file), so that only comparable lines are compared.
/// </summary>
/// <param name="Epoch">Epochs the generator had completed.</param>
/// <param name="Iteration">Training iterations the generator had completed.</param>
/// <param name="Precision">k-NN precision, or null when it was not computed.</param>
/// <param name="Classifier">File name of the classifier whose features were used (its name holds the cache key).</param>
/// <param name="Source">What was scored: "training" for <see cref="TrainingEvaluation"/>, or the checkpoint's path.</param>
public sealed record EvaluationRecord(
    int Epoch,
    long Iteration,
    double Fid,
    double FidFloor,
    double Kid,
    double KidStd,
    double KidFloor,
    double KidFloorStd,
    double? Precision,
    double? Recall,
    int FakeCount,
    int RealCount,
    int FloorCount,
    int FeatureDimensions,
    string Classifier,
    string Source,
    double Seconds,
    DateTimeOffset Time)
{
    /// <summary>The line for a report of the generator after <paramref name="epoch"/> epochs and <paramref name="iteration"/> iterations.</summary>
    public static EvaluationRecord From(EvaluationReport report, int epoch, long iteration, string classifier, string source) => new(
        epoch, iteration, report.Fid, report.FidFloor, report.Kid.Mean, report.Kid.Std, report.KidFloor.Mean, report.KidFloor.Std,
        report.PrecisionRecall?.Precision, report.PrecisionRecall?.Recall, report.FakeCount, report.RealCount, report.FloorCount,
        report.FeatureDimensions, classifier, source, report.Elapsed.TotalSeconds, DateTimeOffset.UtcNow);
}
