using TorchSharp;
using static TorchSharp.torch;

namespace WaifuLab.Stabilizers;

/// <summary>
/// Exponential moving average of a model's weights (Karras et al. 2018, "Progressive Growing of GANs"; Karras 2019):
/// shadow = beta * shadow + (1 - beta) * model after every G step, buffers (e.g. batch-norm statistics) copied. Sampling
/// from the shadow averages out the oscillation of G's weights that an adversarial game causes, at no training cost.
/// The shadow is a second instance of the same architecture (TorchSharp has no deep copy of modules); it starts as an
/// exact copy of the model and is kept in eval mode without gradients.
/// </summary>
public sealed class Ema
{
    private readonly (Tensor Shadow, Tensor Model)[] _parameters;
    private readonly (Tensor Shadow, Tensor Model)[] _buffers;

    /// <summary>The averaged module, for sampling.</summary>
    public nn.Module Shadow { get; }

    /// <summary>The decay at full strength.</summary>
    public double Beta { get; }

    /// <summary>Whether the decay ramps up as min(beta, (1 + t) / (10 + t)) so that early averages forget the random init.</summary>
    public bool Rampup { get; }

    /// <summary>How many times <see cref="Update"/> has run.</summary>
    public long Updates { get; private set; }

    /// <summary>
    /// Whether the shadow's BatchNorm statistics are the model's copied ones (true after every update and after a
    /// resume) rather than its own: see <see cref="EnsureStandingStatistics"/>.
    /// </summary>
    public bool StatisticsStale { get; private set; } = true;

    /// <summary>Tracks <paramref name="model"/> in <paramref name="shadow"/> (same architecture), copying the model's state into it now.</summary>
    public Ema(nn.Module model, nn.Module shadow, double beta = 0.999, bool rampup = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(shadow);
        if (!(beta >= 0 && beta < 1)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "EMA beta must be in [0, 1)");
        if (ReferenceEquals(model, shadow)) throw new ArgumentException("the EMA shadow must be a separate instance of the model's architecture", nameof(shadow));
        _parameters = Pair(model.named_parameters().Select(p => (p.Item1, (Tensor)p.Item2)), shadow.named_parameters().Select(p => (p.Item1, (Tensor)p.Item2)), "parameter");
        _buffers = Pair(model.named_buffers(), shadow.named_buffers(), "buffer");
        Shadow = shadow;
        Beta = beta;
        Rampup = rampup;
        shadow.eval();
        using (no_grad())
        {
            foreach (var (s, m) in _parameters) { s.copy_(m); s.requires_grad_(false); }
            foreach (var (s, m) in _buffers) s.copy_(m);
        }
    }

    /// <summary>The decay the next update uses.</summary>
    public double CurrentBeta => Rampup ? Math.Min(Beta, (1.0 + Updates) / (10.0 + Updates)) : Beta;

    /// <summary>Moves the shadow towards the model's current weights: shadow = b * shadow + (1 - b) * model.</summary>
    public void Update()
    {
        double beta = CurrentBeta;
        // Scalars held for the loop: implicit temporaries can be finalized mid-call (dotnet/TorchSharp#1434, see LeakyRelu).
        using var keep = beta.ToScalar();
        using var take = (1.0 - beta).ToScalar();
        using (no_grad())
        {
            foreach (var (s, m) in _parameters) s.mul_(keep).add_(m, take);
            foreach (var (s, m) in _buffers) s.copy_(m);
        }
        Updates++;
        StatisticsStale = true;
    }

    /// <summary>
    /// Before sampling from the shadow: recomputes its BatchNorm statistics from <paramref name="batches"/> calls of
    /// <paramref name="forward"/> (<see cref="StandingStatistics"/>) unless they are already its own. The model's
    /// statistics belong to the model's weights, not to their average.
    /// </summary>
    public void EnsureStandingStatistics(int batches, Action<int> forward)
    {
        if (!StatisticsStale) return;
        StandingStatistics.Recompute(Shadow, batches, forward);
        StatisticsStale = false;
    }

    /// <summary>Sets the update count after loading a checkpoint, so the ramp-up continues where the run stopped.</summary>
    public void ResumeAt(long updates)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(updates);
        Updates = updates;
        StatisticsStale = true;
    }

    private static (Tensor, Tensor)[] Pair(IEnumerable<(string, Tensor)> model, IEnumerable<(string, Tensor)> shadow, string what)
    {
        var m = model.ToList();
        var s = shadow.ToDictionary(p => p.Item1, p => p.Item2);
        if (m.Count != s.Count)
            throw new ArgumentException($"the EMA shadow has {s.Count} {what}s but the model has {m.Count}: pass a module of the same architecture", "shadow");
        var pairs = new (Tensor, Tensor)[m.Count];
        for (int i = 0; i < m.Count; i++)
        {
            var (name, tensor) = m[i];
            if (!s.TryGetValue(name, out var st) || !st.shape.SequenceEqual(tensor.shape))
                throw new ArgumentException($"the EMA shadow has no {what} '{name}' of shape [{string.Join(", ", tensor.shape)}]: pass a module of the same architecture", "shadow");
            pairs[i] = (st, tensor);
        }
        return pairs;
    }
}
