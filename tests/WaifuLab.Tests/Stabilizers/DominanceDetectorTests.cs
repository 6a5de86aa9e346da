using WaifuLab.Stabilizers;

namespace WaifuLab.Tests.Stabilizers;

public class DominanceDetectorTests
{
    // Balanced: D(x) ~ 0.6, D(G(z)) ~ 0.4; dominated: D(x) ~ 0.97, D(G(z)) ~ 0.01 (with a little jitter).
    private static List<DominanceRecord> Series(params (int Length, bool Dominated, double Grad)[] parts)
    {
        var rng = new Random(5);
        var list = new List<DominanceRecord>();
        foreach (var (length, dominated, grad) in parts)
            for (int i = 0; i < length; i++)
            {
                double j = (rng.NextDouble() - 0.5) * 0.02;
                list.Add(dominated
                    ? new DominanceRecord(list.Count, 0.97 + j, 0.01 + j / 2, 5 + j, grad)
                    : new DominanceRecord(list.Count, 0.6 + j, 0.4 + j, 0.9 + j, grad));
            }
        return list;
    }

    [Fact]
    public void A_dominated_stretch_is_flagged_as_one_episode_with_events_and_balanced_parts_are_not()
    {
        var history = Series((100, false, 1.0), (100, true, 1.0), (100, false, 1.0));
        var detector = new DominanceDetector(new DominanceOptions { Window = 20 });
        var started = new List<DominanceEpisode>();
        var ended = new List<DominanceEpisode>();
        detector.EpisodeStarted += (_, e) => started.Add(e);
        detector.EpisodeEnded += (_, e) => ended.Add(e);
        var flags = history.Select(detector.Add).ToList();

        Assert.DoesNotContain(true, flags.Take(100));
        Assert.DoesNotContain(true, flags.Skip(230));
        // The window needs 80% of 20 = 16 dominated records: flags from iteration 115 to the 4th balanced one after 200.
        var episode = Assert.Single(detector.Episodes);
        Assert.Equal(115, episode.Start);
        Assert.Equal(203, episode.End);
        Assert.Equal(episode, Assert.Single(ended));
        Assert.Equal(115, Assert.Single(started).Start);
        var report = DominanceDetector.Analyze(history, new DominanceOptions { Window = 20 });
        Assert.Equal(flags, report.Flags);
        Assert.Equal(89 / 300.0, report.FlaggedShare, 10);
    }

    [Fact]
    public void Occasional_confident_iterations_in_a_balanced_run_are_not_flagged()
    {
        var parts = Enumerable.Range(0, 30).SelectMany(_ => new[] { (4, false, 1.0), (1, true, 1.0) }).ToArray();
        var report = DominanceDetector.Analyze(Series(parts));
        Assert.Equal(0, report.FlaggedShare);
        Assert.Empty(report.Episodes);
    }

    [Fact]
    public void With_the_gradient_condition_on_only_a_dominated_stretch_whose_G_gradient_shrank_is_flagged()
    {
        var options = new DominanceOptions { Window = 20, RequireGradientShrink = true, GradientShrinkRatio = 0.5 };
        var steadyGrad = DominanceDetector.Analyze(Series((100, false, 1.0), (100, true, 1.0)), options);
        Assert.Equal(0, steadyGrad.FlaggedShare);
        var vanishing = DominanceDetector.Analyze(Series((100, false, 1.0), (100, true, 0.01)), options);
        Assert.Single(vanishing.Episodes);
        Assert.True(vanishing.FlaggedShare > 0.3);
        Assert.Throws<ArgumentException>(() => new DominanceDetector(new DominanceOptions { Window = 0 }));
    }

    [Fact]
    public void The_accuracy_signal_sees_a_winning_D_that_label_smoothing_hides_from_the_probability_thresholds()
    {
        // A smoothed D that classifies everything correctly but whose D(x) sits at its 0.9 target.
        var history = Enumerable.Range(0, 60).Select(i => new DominanceRecord(i, 0.88, 0.02, 4, 1, RealAccuracy: 1, FakeAccuracy: 1)).ToList();
        Assert.Equal(0, DominanceDetector.Analyze(history, new DominanceOptions { Window = 10 }).FlaggedShare);
        var byAccuracy = DominanceDetector.Analyze(history, new DominanceOptions { Window = 10, Signal = DominanceSignal.Accuracy });
        Assert.Equal(56 / 60.0, byAccuracy.FlaggedShare, 10); // flags from half a window (the 5th record) on
        var missing = new DominanceDetector(new DominanceOptions { Signal = DominanceSignal.Accuracy });
        Assert.Throws<ArgumentException>(() => missing.Add(new DominanceRecord(0, 0.9, 0.1, 1, 1)));
    }
}
