namespace WaifuLab.Stabilizers;

/// <summary>
/// Flags D dominance over a sliding window of per-iteration records (see <see cref="DominanceOptions"/>): D(G(z)) near 0
/// while D(x) near 1 for most of the window, optionally with G's gradients shrinking. Feed it during training with
/// <see cref="Add"/> (events fire when an episode starts and ends, e.g. to print a warning), or run it on a finished
/// history with <see cref="Analyze"/>.
/// </summary>
public sealed class DominanceDetector
{
    private readonly Queue<(bool Winning, double Grad)> _window = new();
    private readonly List<DominanceEpisode> _episodes = [];
    private int _winningInWindow;
    private double _gradSumInWindow;
    private double _peakGradMean;
    private long _episodeStart = -1;
    private long _lastIteration = -1;

    /// <summary>The thresholds in use.</summary>
    public DominanceOptions Options { get; }

    /// <summary>Raised on the first flagged iteration of an episode (End = that iteration).</summary>
    public event EventHandler<DominanceEpisode>? EpisodeStarted;

    /// <summary>Raised on the first unflagged iteration after an episode, with the finished episode.</summary>
    public event EventHandler<DominanceEpisode>? EpisodeEnded;

    /// <summary>Whether the last record added was flagged.</summary>
    public bool IsDominated => _episodeStart >= 0;

    /// <summary>Finished episodes, then the open one (ending at the last record) if any.</summary>
    public IReadOnlyList<DominanceEpisode> Episodes =>
        IsDominated ? [.. _episodes, new DominanceEpisode(_episodeStart, _lastIteration)] : _episodes.ToList();

    /// <summary>A detector with <paramref name="options"/> (defaults if null).</summary>
    public DominanceDetector(DominanceOptions? options = null)
    {
        Options = options ?? new DominanceOptions();
        Options.Validate();
    }

    /// <summary>Adds one iteration's record; returns whether that iteration is flagged as dominated.</summary>
    public bool Add(DominanceRecord record)
    {
        bool winning = IsWinning(record);
        double grad = double.IsFinite(record.GGradNorm) ? record.GGradNorm : 0;
        _window.Enqueue((winning, grad));
        if (winning) _winningInWindow++;
        _gradSumInWindow += grad;
        if (_window.Count > Options.Window)
        {
            var old = _window.Dequeue();
            if (old.Winning) _winningInWindow--;
            _gradSumInWindow -= old.Grad;
        }

        bool flagged = false;
        if (_window.Count >= Math.Max(1, Options.Window / 2))
        {
            double gradMean = _gradSumInWindow / _window.Count;
            _peakGradMean = Math.Max(_peakGradMean, gradMean);
            flagged = _winningInWindow >= Options.MinShare * _window.Count
                && (!Options.RequireGradientShrink || gradMean <= Options.GradientShrinkRatio * _peakGradMean);
        }

        if (flagged && !IsDominated)
        {
            _episodeStart = record.Iteration;
            _lastIteration = record.Iteration;
            EpisodeStarted?.Invoke(this, new DominanceEpisode(_episodeStart, record.Iteration));
        }
        else if (!flagged && IsDominated)
        {
            var finished = new DominanceEpisode(_episodeStart, _lastIteration);
            _episodes.Add(finished);
            _episodeStart = -1;
            EpisodeEnded?.Invoke(this, finished);
        }
        _lastIteration = record.Iteration;
        return flagged;
    }

    private bool IsWinning(DominanceRecord r)
    {
        if (Options.Signal == DominanceSignal.Probability) return r.DFake < Options.FakeBelow && r.DReal > Options.RealAbove;
        if (double.IsNaN(r.RealAccuracy) || double.IsNaN(r.FakeAccuracy))
            throw new ArgumentException($"record of iteration {r.Iteration} has no D accuracies, which DominanceSignal.Accuracy needs");
        return r.RealAccuracy >= Options.AccuracyAbove && r.FakeAccuracy >= Options.AccuracyAbove;
    }

    /// <summary>Replays a finished history through a fresh detector.</summary>
    public static DominanceReport Analyze(IEnumerable<DominanceRecord> history, DominanceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        var detector = new DominanceDetector(options);
        var flags = history.Select(detector.Add).ToList();
        return new DominanceReport(flags, detector.Episodes);
    }
}
