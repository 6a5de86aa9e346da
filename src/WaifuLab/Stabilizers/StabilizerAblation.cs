using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace WaifuLab.Stabilizers;

/// <summary>
/// Runs the same failing GAN setup once per stabiliser preset with <see cref="StabilizedGanStep"/> and the same seed and
/// budget, and measures each with <see cref="DominanceDetector"/>: the ablation table of issue 7 in library form, for
/// the notebook and the CLI. Models come from factories so every preset starts from identical fresh weights.
/// </summary>
public static class StabilizerAblation
{
    /// <summary>Runs every preset named in <paramref name="presets"/> (see <see cref="StabilizerPresets"/>) on <paramref name="data"/> (N,3,S,S in [-1, 1]).</summary>
    public static IReadOnlyList<AblationRow> Run(IEnumerable<string> presets, Func<nn.Module<Tensor, Tensor>> makeG,
        Func<nn.Module<Tensor, Tensor>> makeD, Tensor data, AblationSetup setup, Action<AblationRow>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(presets);
        var rows = new List<AblationRow>();
        foreach (var name in presets)
        {
            var row = RunOne(name, StabilizerPresets.Get(name), makeG, makeD, data, setup);
            rows.Add(row);
            progress?.Invoke(row);
        }
        return rows;
    }

    /// <summary>Trains one fresh G/D pair with <paramref name="options"/> for the setup's budget and summarises it.</summary>
    public static AblationRow RunOne(string name, StabilizerOptions options, Func<nn.Module<Tensor, Tensor>> makeG,
        Func<nn.Module<Tensor, Tensor>> makeD, Tensor data, AblationSetup setup)
    {
        ArgumentNullException.ThrowIfNull(makeG);
        ArgumentNullException.ThrowIfNull(makeD);
        ArgumentNullException.ThrowIfNull(data);
        setup.Validate();
        if (data.dim() != 4 || data.shape[0] < 1)
            throw new ArgumentException($"the ablation needs an image batch (N,C,H,W), got shape [{string.Join(", ", data.shape)}]", nameof(data));

        // Same seed for every preset: identical initial weights (the global generator), batches and noise.
        manual_seed(setup.Seed);
        using var g = makeG();
        using var d = makeD();
        using var shadow = options.EmaBeta > 0 ? makeG() : null;
        var zGen = new Generator((ulong)setup.Seed + 1);
        var batchGen = new Generator((ulong)setup.Seed + 2);
        var augGen = new Generator((ulong)setup.Seed + 3);
        using var fixedZ = randn(setup.Samples, setup.LatentSize, generator: new Generator((ulong)setup.Seed + 4));
        var boosted = options with { LrDMultiplier = options.LrDMultiplier * setup.DLearningRateBoost };
        int latent = setup.LatentSize;
        using var step = new StabilizedGanStep(g, d, n => randn(n, latent, generator: zGen), boosted, setup.LearningRate,
            gShadow: shadow, generator: augGen);

        var history = new List<GanStepMetrics>(setup.Iterations);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < setup.Iterations; i++)
        {
            using var scope = NewDisposeScope();
            var index = randint(data.shape[0], [setup.BatchSize], generator: batchGen);
            history.Add(step.Step(data.index_select(0, index)));
        }
        clock.Stop();

        var records = history.Select(m => m.ToDominanceRecord()).ToList();
        var report = DominanceDetector.Analyze(records, setup.Dominance);
        var byAccuracy = DominanceDetector.Analyze(records, setup.Dominance with { Signal = DominanceSignal.Accuracy });
        var tail = history.Skip(history.Count - Math.Max(1, history.Count / 10)).ToList();
        if (shadow is not null)
        {
            using var statsGen = new Generator((ulong)StandingStatistics.Seed);
            step.Ema!.EnsureStandingStatistics(StandingStatistics.Batches, _ =>
            {
                using var scope = NewDisposeScope();
                shadow.call(randn(setup.BatchSize, latent, generator: statsGen));
            });
        }
        var sampler = (nn.Module<Tensor, Tensor>?)shadow ?? g;
        Tensor samples;
        using (no_grad())
        {
            sampler.eval();
            samples = sampler.call(fixedZ).detach().clamp(-1, 1);
        }
        return new AblationRow(name, report.FlaggedShare, report.Episodes.Count, byAccuracy.FlaggedShare,
            tail.Average(m => m.RealAccuracy), tail.Average(m => m.FakeAccuracy), tail.Average(m => m.DReal),
            tail.Average(m => m.DFakeBeforeG), tail.Average(m => m.LossG), tail.Average(m => m.GOutputGradNorm),
            clock.Elapsed.TotalMilliseconds / setup.Iterations, history, samples);
    }
}
