using System.Globalization;

namespace WaifuLab.Training;

/// <summary>
/// Prints pytorch/examples dcgan's progress line every <c>every</c> iterations and at each epoch's end:
/// <c>[epoch/E][i/I] Loss_D: Loss_G: D(x): D(G(z)): before / after</c>, plus speed and ETA. It reports on the
/// training thread, in order (Progress&lt;T&gt; would post to the thread pool); the CLI and the notebooks share it.
/// It also warns once when a loss explodes or D(G(z)) stays pinned at 0 (<see cref="WaifuLab.Stabilizers.LossWatch"/>).
/// </summary>
public sealed class TrainProgressPrinter(TextWriter writer, int every = 50) : IProgress<TrainProgress>
{
    readonly int _every = every > 0 ? every : throw new ArgumentException($"print interval must be positive, got {every}", nameof(every));

    bool _dominated;
    readonly WaifuLab.Stabilizers.LossWatch _watch = new();

    public void Report(TrainProgress p)
    {
        // The trainer marks D-dominated iterations (TrainOptions.Dominance); warn once when an episode starts, whatever the interval.
        bool dominated = p.Step.Extra is { } e && e.TryGetValue("dominated", out var d) && d > 0;
        if (dominated && !_dominated)
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"warning: D dominates from iteration {p.Step.Iteration} (D(x) {p.Step.DReal:F3}, D(G(z)) {p.Step.DFakeBefore:F3}): G's gradient is at risk; see TrainOptions.Objective and waifulab train --remedies"));
        _dominated = dominated;
        if (_watch.Add(p.Step) is { } warning) writer.WriteLine(warning);
        if (p.Step.Iteration % _every == 0 || p.IterationInEpoch == p.IterationsPerEpoch || p.Step.Iteration == p.TotalIterations)
            writer.WriteLine(Format(p));
    }

    public static string Format(TrainProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"[{p.Step.Epoch}/{p.Epochs}][{p.IterationInEpoch}/{p.IterationsPerEpoch}] Loss_D: {p.Step.LossD:F4} Loss_G: {p.Step.LossG:F4} " +
        $"D(x): {p.Step.DReal:F4} D(G(z)): {p.Step.DFakeBefore:F4} / {p.Step.DFakeAfter:F4}  {p.Step.Milliseconds:F0} ms/it, ETA {p.Eta:hh\\:mm\\:ss}");
}
