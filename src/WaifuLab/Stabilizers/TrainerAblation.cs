using WaifuLab.Data;
using WaifuLab.Evaluation;
using WaifuLab.Training;

namespace WaifuLab.Stabilizers;

/// <summary>
/// The D-dominance ablation on the real trainer: the failing setup of <see cref="TrainerAblationSetup"/> trained
/// once per remedy set (<see cref="Remedies"/>) through <see cref="GanTrainer"/> (real DcganGenerator/DcganDiscriminator, the trainer's own
/// instrumentation and detector), same seed and budget, each run in its own folder, scored with an optional
/// <see cref="Evaluator"/> (FID/KID in the attribute classifier's feature space).
/// </summary>
public static class TrainerAblation
{
    /// <summary>Runs every remedy set named in <paramref name="presets"/> (<see cref="Remedies"/>) on <paramref name="data"/>.</summary>
    public static IReadOnlyList<TrainerAblationRow> Run(IEnumerable<string> presets, ImageDataset data, TrainerAblationSetup setup,
        string workFolder, Evaluator? evaluator = null, TextWriter? log = null, Action<TrainerAblationRow>? completed = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(presets);
        var names = presets.ToList();
        foreach (var name in names) Remedies.Get(name); // an unknown name fails before any training
        var rows = new List<TrainerAblationRow>();
        foreach (var name in names)
        {
            var row = RunOne(name, Remedies.Get(name), data, setup, workFolder, evaluator, log, ct);
            rows.Add(row);
            completed?.Invoke(row);
        }
        return rows;
    }

    /// <summary>
    /// Trains one fresh pair with the setup's options changed by <paramref name="remedy"/> (e.g. <see cref="Remedies.Get"/>)
    /// into <c>workFolder/name</c> (a previous run folder of that name is replaced) and summarises it.
    /// </summary>
    public static TrainerAblationRow RunOne(string name, Func<TrainOptions, TrainOptions> remedy, ImageDataset data, TrainerAblationSetup setup,
        string workFolder, Evaluator? evaluator = null, TextWriter? log = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(remedy);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentException.ThrowIfNullOrWhiteSpace(workFolder);
        setup.Validate();
        if (data.Size != setup.ImageSize)
            throw new ArgumentException($"the dataset {data.Source} holds {data.Size} px images but the ablation trains at {setup.ImageSize} px: load it at {setup.ImageSize} px", nameof(data));
        // Just enough epochs for the budget, so progress lines read [epoch/E] sensibly; MaxIterations stops the run.
        int perEpoch = Math.Max(1, data.Count / Math.Min(setup.BatchSize, data.Count));
        var options = setup.TrainOptions(remedy) with { Epochs = (setup.Iterations + perEpoch - 1) / perEpoch };
        return RunOne(name, options, data, workFolder, evaluator, setup.EvalSamples, setup.Dominance, log, ct);
    }

    /// <summary>
    /// Trains one fresh pair with any <paramref name="options"/> (any architecture or preset; set MaxIterations for the
    /// budget) into <c>workFolder/name</c> (a previous run folder of that name is replaced) and summarises it with
    /// <see cref="Summarize"/>: the rows of an ablation that changes more than the remedies (notebook 02's cure).
    /// </summary>
    public static TrainerAblationRow RunOne(string name, TrainOptions options, ImageDataset data, string workFolder,
        Evaluator? evaluator = null, int evalSamples = 256, DominanceOptions? dominance = null, TextWriter? log = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrWhiteSpace(workFolder);
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name is "." or "..")
            throw new ArgumentException($"preset name '{name}' cannot name a folder", nameof(name));
        if (data.Size != options.Model.ImageSize)
            throw new ArgumentException($"the dataset {data.Source} holds {data.Size} px images but '{name}' trains at {options.Model.ImageSize} px: load it at {options.Model.ImageSize} px", nameof(data));
        dominance ??= options.Dominance ?? new DominanceOptions();
        // The trainer's detector marks the "dominated" column only when Dominance is set: every row gets one.
        options = (options with { Dominance = options.Dominance ?? dominance }).Validate();

        var folder = Path.Combine(workFolder, name);
        new RunFolder(folder).Discard(); // an earlier ablation's row, never an arbitrary directory

        using var trainer = new GanTrainer(options, folder);
        if (log is not null) log.WriteLine($"--- {name} ---");
        int total = options.MaxIterations ?? 100;
        var printer = log is null ? null : new TrainProgressPrinter(log, every: Math.Max(1, total / 4));
        var history = trainer.Train(data, printer, ct);
        return Summarize(name, trainer, history, evaluator, evalSamples, dominance);
    }

    /// <summary>
    /// One ablation row from a finished run: the trainer's dominated share (or, where its run had no detector, the
    /// detector run over its history), the accuracy-based share, the last tenth's D outputs, FID/KID on
    /// <paramref name="evalSamples"/> samples (0: none), ms per iteration (first iteration left out) and the final grid.
    /// Notebook 02 scores its monitored runs with it, so they are measured as the ablation's rows are.
    /// </summary>
    public static TrainerAblationRow Summarize(string name, GanTrainer trainer, TrainHistory history, Evaluator? evaluator = null,
        int evalSamples = 256, DominanceOptions? dominance = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(history);
        if (evalSamples is < 0 or (> 0 and < 4)) throw new ArgumentException($"evalSamples must be 0 (no FID/KID) or >= 4, got {evalSamples}", nameof(evalSamples));
        var steps = history.ToList();
        if (steps.Count == 0) throw new ArgumentException($"the run '{name}' has no iterations to summarise: train it first", nameof(history));
        var options = trainer.Options;
        dominance ??= options.Dominance ?? new DominanceOptions();
        var tail = steps.Skip(steps.Count - Math.Max(1, steps.Count / 10)).ToList();
        double Extra(TrainStep s, string key) => s.Extra is { } e && e.TryGetValue(key, out var v) ? v : double.NaN;
        var records = steps.Select(s => new DominanceRecord(s.Iteration, s.DReal, s.DFakeBefore, s.LossG, Extra(s, "grad_norm_g"),
            Extra(s, "d_acc_real"), Extra(s, "d_acc_fake"))).ToList();
        // D's accuracies exist only in instrumented runs (Dominance set); without them the accuracy share is NaN.
        bool hasAccuracy = steps.All(s => s.Extra?.ContainsKey("d_acc_real") == true);
        double byAccuracy = hasAccuracy ? DominanceDetector.Analyze(records, dominance with { Signal = DominanceSignal.Accuracy }).FlaggedShare : double.NaN;
        var detected = DominanceDetector.Analyze(records, GanObjective.DetectorOptions(options.Objective, options.Dominance ?? dominance));
        double share = steps.All(s => s.Extra?.ContainsKey("dominated") == true)
            ? steps.Count(s => Extra(s, "dominated") > 0) / (double)steps.Count
            : detected.FlaggedShare;
        // The first iteration pays for allocations and lazy initialisation; leave it out of the cost.
        double ms = steps.Count > 1 ? steps.Skip(1).Average(s => s.Milliseconds) : steps[0].Milliseconds;

        EvaluationReport? report = null;
        if (evaluator is not null && evalSamples > 0)
        {
            long seed = options.Seed * 1000;
            report = evaluator.Evaluate(n => trainer.Sample(n, seed++), new EvaluationOptions(Count: evalSamples, BatchSize: 64, KidSubsets: 5));
        }
        var grid = trainer.SaveSampleGrid(trainer.Folder.Final);
        return new TrainerAblationRow(name, share,
            byAccuracy, detected.Episodes.Count,
            tail.Average(s => s.DReal), tail.Average(s => s.DFakeBefore),
            tail.Average(s => Extra(s, "d_acc_real")), tail.Average(s => Extra(s, "d_acc_fake")),
            tail.Average(s => Extra(s, "grad_norm_g_out")),
            report, ms, history, grid, trainer.Folder.Root);
    }
}
