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
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name is "." or "..")
            throw new ArgumentException($"preset name '{name}' cannot name a folder", nameof(name));

        var folder = Path.Combine(workFolder, name);
        // Only ever delete what an earlier ablation wrote (a run folder), never an arbitrary directory.
        if (Directory.Exists(folder))
        {
            if (!File.Exists(Path.Combine(folder, "options.json")))
                throw new IOException($"{folder} exists and is not a run folder: choose another work folder");
            Directory.Delete(folder, recursive: true);
        }

        // Just enough epochs for the budget, so progress lines read [epoch/E] sensibly; MaxIterations stops the run.
        int perEpoch = Math.Max(1, data.Count / Math.Min(setup.BatchSize, data.Count));
        var options = setup.TrainOptions(remedy) with { Epochs = (setup.Iterations + perEpoch - 1) / perEpoch };
        using var trainer = new GanTrainer(options, folder);
        if (log is not null) log.WriteLine($"--- {name} ---");
        var printer = log is null ? null : new TrainProgressPrinter(log, every: Math.Max(1, setup.Iterations / 4));
        var history = trainer.Train(data, printer, ct);

        var steps = history.ToList();
        var tail = steps.Skip(steps.Count - Math.Max(1, steps.Count / 10)).ToList();
        double Extra(TrainStep s, string key) => s.Extra is { } e && e.TryGetValue(key, out var v) ? v : double.NaN;
        var records = steps.Select(s => new DominanceRecord(s.Iteration, s.DReal, s.DFakeBefore, s.LossG, Extra(s, "grad_norm_g"),
            Extra(s, "d_acc_real"), Extra(s, "d_acc_fake"))).ToList();
        var byAccuracy = DominanceDetector.Analyze(records, setup.Dominance with { Signal = DominanceSignal.Accuracy });
        var episodes = DominanceDetector.Analyze(records, GanObjective.DetectorOptions(options.Objective, options.Dominance!)).Episodes.Count;
        // The first iteration pays for allocations and lazy initialisation; leave it out of the cost.
        double ms = steps.Count > 1 ? steps.Skip(1).Average(s => s.Milliseconds) : steps[0].Milliseconds;

        EvaluationReport? report = null;
        if (evaluator is not null && setup.EvalSamples > 0)
        {
            long seed = setup.Seed * 1000;
            report = evaluator.Evaluate(n => trainer.Sample(n, seed++), new EvaluationOptions(Count: setup.EvalSamples, BatchSize: 64, KidSubsets: 5));
        }
        var grid = trainer.SaveSampleGrid(trainer.Folder.Final);
        return new TrainerAblationRow(name,
            steps.Count(s => Extra(s, "dominated") > 0) / (double)steps.Count,
            byAccuracy.FlaggedShare, episodes,
            tail.Average(s => s.DReal), tail.Average(s => s.DFakeBefore),
            tail.Average(s => Extra(s, "d_acc_real")), tail.Average(s => Extra(s, "d_acc_fake")),
            tail.Average(s => Extra(s, "grad_norm_g_out")),
            report, ms, history, grid, folder);
    }
}
