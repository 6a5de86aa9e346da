using System.Diagnostics;
using static TorchSharp.torch;

namespace WaifuLab.Training;

/// <summary>
/// Milliseconds per training iteration of several option sets, measured side by side on random batches: rounds
/// interleave the configurations (A, B, A, B, ...) so the machine's drifting load hits all of them alike, and the
/// median of each is reported. For comparison tables in notebooks; <c>waifulab bench</c> is the fuller benchmark.
/// </summary>
public static class IterationTimer
{
    public static IReadOnlyList<double> Compare(IReadOnlyList<TrainOptions> configurations, int iterations = 5, int warmup = 1)
    {
        if (configurations.Count == 0) throw new ArgumentException("give at least one configuration to time", nameof(configurations));
        if (iterations < 1 || warmup < 0) throw new ArgumentException($"iterations must be >= 1 and warm-up >= 0, got {iterations} and {warmup}");
        var root = Path.Combine(Path.GetTempPath(), $"waifulab-timer-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var trainers = new List<GanTrainer>();
        var batches = new List<Tensor>();
        try
        {
            for (int i = 0; i < configurations.Count; i++)
            {
                var o = configurations[i].Validate();
                var trainer = new GanTrainer(o, Path.Combine(root, $"c{i}"));
                trainers.Add(trainer);
                batches.Add(rand([o.BatchSize, 3, o.Model.ImageSize, o.Model.ImageSize], device: trainer.Device).mul_(2).sub_(1));
            }
            var times = configurations.Select(_ => new List<double>()).ToArray();
            var clock = new Stopwatch();
            for (int round = 0; round < warmup + iterations; round++)
                for (int i = 0; i < trainers.Count; i++)
                {
                    clock.Restart();
                    trainers[i].TrainOn(batches[i]);
                    if (round >= warmup) times[i].Add(clock.Elapsed.TotalMilliseconds);
                }
            return times.Select(Median).ToArray();
        }
        finally
        {
            foreach (var t in trainers) t.Dispose();
            foreach (var b in batches) b.Dispose();
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The median of timings (the middle pair's mean for an even count): robust to a stray slow iteration.</summary>
    public static double Median(IReadOnlyList<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
