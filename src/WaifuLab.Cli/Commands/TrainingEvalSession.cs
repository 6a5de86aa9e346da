using WaifuLab.Data;
using WaifuLab.Evaluation;
using WaifuLab.Training;

namespace WaifuLab.Cli.Commands;

/// <summary>
/// What `train --eval-every K` needs: the classifier and the real set's features, prepared before the run folder is
/// created (so unlabelled data fails early), then attached to the trainer once it exists.
/// </summary>
sealed class TrainingEvalSession : IDisposable
{
    private readonly CachedClassifier classifier;
    private readonly Evaluator evaluator;
    private readonly int everyEpochs;
    private TrainingEvaluation? evaluation;

    TrainingEvalSession(CachedClassifier classifier, Evaluator evaluator, int everyEpochs)
    {
        this.classifier = classifier;
        this.evaluator = evaluator;
        this.everyEpochs = everyEpochs;
    }

    /// <summary>Trains or loads the classifier for <paramref name="data"/> (which must be labelled); null when <paramref name="everyEpochs"/> is null.</summary>
    public static TrainingEvalSession? Prepare(ImageFolderResult data, int? everyEpochs)
    {
        if (everyEpochs is not int k) return null;
        if (k < 1) throw new ArgumentException($"--eval-every must be at least 1 epoch, got {k}");
        var cached = EvalSetup.Classifier(data, null, null, null, Console.Out);
        return new TrainingEvalSession(cached, new Evaluator(cached.Classifier, data.Dataset), k);
    }

    public void Attach(GanTrainer trainer) =>
        evaluation = TrainingEvaluation.Attach(trainer, evaluator, everyEpochs, classifierName: Path.GetFileName(classifier.Path), log: Console.Out);

    public void Dispose()
    {
        evaluation?.Dispose();
        evaluator.Dispose();
        classifier.Classifier.Dispose();
    }
}
