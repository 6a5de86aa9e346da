using Plotly.NET;
using WaifuLab.Plots;
using WaifuLab.Training;

namespace WaifuLab.Evaluation;

/// <summary>
/// FID and KID during training without changing the trainer: subscribes to <see cref="GanTrainer.EpochCompleted"/>,
/// scores the generator every <see cref="EveryEpochs"/> epochs on the training thread (training pauses meanwhile),
/// appends each result to the run's metrics.jsonl and keeps it in <see cref="Records"/> for notebooks to chart.
/// Every evaluation draws the same noise, so changes between epochs come from the generator, not from the draw.
/// Dispose (or <see cref="Detach"/>) to stop.
/// </summary>
public sealed class TrainingEvaluation : IDisposable
{
    private readonly GanTrainer trainer;
    private readonly Evaluator evaluator;
    private readonly EvaluationOptions options;
    private readonly string classifierName;
    private readonly long noiseSeed;
    private readonly TextWriter? log;
    private readonly List<EvaluationRecord> records = [];
    private readonly List<string> errors = [];
    private bool attached;

    TrainingEvaluation(GanTrainer trainer, Evaluator evaluator, int everyEpochs, EvaluationOptions options,
        string classifierName, long noiseSeed, TextWriter? log)
    {
        this.trainer = trainer;
        this.evaluator = evaluator;
        this.options = options;
        this.classifierName = classifierName;
        this.noiseSeed = noiseSeed;
        this.log = log;
        EveryEpochs = everyEpochs;
        MetricsPath = MetricsLog.PathIn(trainer.Folder.Root);
        // A resumed run continues its curve: keep the earlier lines up to where the generator now is.
        records.AddRange(MetricsLog.Read(MetricsPath).Where(r => r.Source == TrainingSource && r.Iteration <= trainer.Iteration));
    }

    /// <summary>The <see cref="EvaluationRecord.Source"/> of records written during training.</summary>
    public const string TrainingSource = "training";

    /// <summary>
    /// Starts scoring <paramref name="trainer"/>'s generator after every <paramref name="everyEpochs"/>-th epoch.
    /// </summary>
    /// <param name="evaluator">Real set and classifier at the trainer's image size; not owned.</param>
    /// <param name="options">Default <see cref="EvaluationOptions.DuringTraining"/> (500 samples).</param>
    /// <param name="classifierName">Recorded with each line (e.g. the classifier file's name), to tell comparable lines apart.</param>
    /// <param name="noiseSeed">Seeds the noise of the scored samples; the same at every evaluation.</param>
    /// <param name="log">Receives one line per evaluation (and any failure), e.g. Console.Out.</param>
    public static TrainingEvaluation Attach(GanTrainer trainer, Evaluator evaluator, int everyEpochs, EvaluationOptions? options = null,
        string classifierName = "", long noiseSeed = 20240601, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(evaluator);
        if (everyEpochs < 1) throw new ArgumentException($"everyEpochs must be at least 1, got {everyEpochs}", nameof(everyEpochs));
        int size = trainer.Options.Model.ImageSize;
        if (size != evaluator.ImageSize)
            throw new ArgumentException($"the generator makes {size} px images but the evaluator scores {evaluator.ImageSize} px ones: use a classifier and real set at {size} px");
        options ??= EvaluationOptions.DuringTraining;
        options.Validate();
        var evaluation = new TrainingEvaluation(trainer, evaluator, everyEpochs, options, classifierName, noiseSeed, log);
        trainer.EpochCompleted += evaluation.OnEpoch;
        evaluation.attached = true;
        return evaluation;
    }

    public int EveryEpochs { get; }
    /// <summary>runs/NAME/metrics.jsonl of the trainer's run.</summary>
    public string MetricsPath { get; }
    /// <summary>The training evaluations of this run so far, oldest first (including earlier sessions of a resumed run).</summary>
    public IReadOnlyList<EvaluationRecord> Records => records;
    /// <summary>Evaluations that failed (their messages); a failed evaluation is reported, not allowed to stop training.</summary>
    public IReadOnlyList<string> Errors => errors;
    /// <summary>Raised after each evaluation, on the training thread.</summary>
    public event Action<EvaluationRecord>? Evaluated;

    /// <summary>Scores the generator now (whatever the epoch) and records it; what the epoch hook calls.</summary>
    public EvaluationRecord EvaluateNow(int? epoch = null)
    {
        long batch = 0;
        var report = evaluator.Evaluate(n => trainer.Sample(n, noiseSeed + batch++), options);
        var record = EvaluationRecord.From(report, epoch ?? trainer.Epoch, trainer.Iteration, classifierName, TrainingSource);
        MetricsLog.Append(MetricsPath, record);
        records.Add(record);
        log?.WriteLine($"eval epoch {record.Epoch}, iteration {record.Iteration}: FID {record.Fid:0.000} (floor {record.FidFloor:0.000}), " +
                       $"KID {record.Kid:0.0000} ± {record.KidStd:0.0000} (floor {record.KidFloor:0.0000}), {record.FakeCount} samples, {record.Seconds:0.0} s");
        Evaluated?.Invoke(record);
        return record;
    }

    void OnEpoch(int epoch, Imaging.PngImage grid)
    {
        if (epoch % EveryEpochs != 0) return;
        try
        {
            EvaluateNow(epoch);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // Hours of training must not die for a metric: report it, keep training, keep the error for the caller.
            var message = $"evaluation after epoch {epoch} failed: {e.Message}";
            errors.Add(message);
            log?.WriteLine("warning: " + message);
        }
    }

    /// <summary>FID and its real-vs-real floor over the epochs evaluated so far (KID with <paramref name="kid"/>).</summary>
    public GenericChart Chart(bool kid = false) => Chart(records, kid);

    /// <summary>FID (or KID) and the floor over epochs from records, e.g. <see cref="MetricsLog.Read"/> of a finished run.</summary>
    public static GenericChart Chart(IReadOnlyList<EvaluationRecord> records, bool kid = false)
    {
        if (records.Count == 0) throw new ArgumentException("no evaluations to chart yet", nameof(records));
        var epochs = records.Select(r => (double)r.Epoch).ToArray();
        return kid
            ? Charts.Lines("epoch", "KID (in-domain)", epochs, ("KID", records.Select(r => r.Kid).ToArray()), ("real-vs-real floor", records.Select(r => r.KidFloor).ToArray()))
            : Charts.Lines("epoch", "FID (in-domain)", epochs, ("FID", records.Select(r => r.Fid).ToArray()), ("real-vs-real floor", records.Select(r => r.FidFloor).ToArray()));
    }

    /// <summary>Stops scoring; the records stay.</summary>
    public void Detach()
    {
        if (!attached) return;
        trainer.EpochCompleted -= OnEpoch;
        attached = false;
    }

    public void Dispose() => Detach();
}
