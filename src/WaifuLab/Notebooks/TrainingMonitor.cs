using System.Diagnostics;
using System.Globalization;
using WaifuLab.Data;
using WaifuLab.Imaging;
using WaifuLab.Plots;
using WaifuLab.Training;

namespace WaifuLab.Notebooks;

/// <summary>
/// A training cell's one live display: it redraws in place with iteration/total, it/s, ETA, the latest losses and
/// D(x)/D(G(z)), and every <see cref="TrainingMonitorOptions.RefreshEvery"/> iterations the loss chart and the
/// fixed-noise grid. Under <c>waifulab notebook run</c> the notebook stores its final state.
/// </summary>
public sealed class TrainingMonitor : IProgress<TrainProgress>
{
    private readonly GanTrainer _trainer;
    private readonly TrainingMonitorOptions _options;
    private readonly Stopwatch _sinceRedraw = new();
    private DisplayHandle? _handle;
    private TrainProgress? _last;
    private PngImage? _chart, _grid;
    private string? _note;

    public TrainingMonitor(GanTrainer trainer, TrainingMonitorOptions? options = null)
    {
        _trainer = trainer ?? throw new ArgumentNullException(nameof(trainer));
        _options = (options ?? new TrainingMonitorOptions()).Validate();
    }

    /// <summary>
    /// Trains <paramref name="trainer"/> on <paramref name="data"/> (continuing from its iteration) under one live display.
    /// Stopping the cell (VS Code's stop button, Jupyter's "interrupt kernel"; see <see cref="CellInterrupt"/>) ends
    /// training after the current iteration with a checkpoint, and throws <see cref="TrainingInterruptedException"/>;
    /// running the cell again (or a later cell) continues from there.
    /// </summary>
    public static TrainHistory Train(GanTrainer trainer, ImageDataset data, TrainingMonitorOptions? options = null, CancellationToken ct = default)
    {
        var monitor = new TrainingMonitor(trainer, options);
        using var interrupt = CellInterrupt.Begin(ct);
        monitor._note = interrupt.Warning;
        monitor.Show($"starting at iteration {trainer.Iteration}");
        try
        {
            var history = trainer.Train(data, monitor, interrupt.Token);
            monitor.Finish("done");
            return history;
        }
        catch (OperationCanceledException) when (interrupt.Token.IsCancellationRequested)
        {
            var message = $"interrupted after iteration {trainer.Iteration}; checkpoint {trainer.LastCheckpoint}; run the cell again to continue from it";
            monitor.Finish(message);
            throw new TrainingInterruptedException(message, trainer.Iteration, trainer.LastCheckpoint);
        }
    }

    public void Report(TrainProgress p)
    {
        _last = p;
        bool refresh = p.Step.Iteration % _options.RefreshEvery == 0 || p.Step.Iteration == p.TotalIterations;
        if (refresh) Refresh();
        // Redraw at most every RedrawSeconds: each redraw is a message to the front-end.
        if (refresh || !_sinceRedraw.IsRunning || _sinceRedraw.Elapsed.TotalSeconds >= _options.RedrawSeconds) Show(null);
    }

    /// <summary>What the display shows now.</summary>
    public TrainingView View(string? state = null)
    {
        var lines = new List<string>();
        if (_last is { } p)
        {
            var s = p.Step;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"iteration {s.Iteration}/{p.TotalIterations} (epoch {s.Epoch}/{p.Epochs})  {p.IterationsPerSecond:F2} it/s  ETA {p.Eta:hh\\:mm\\:ss}"));
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"Loss_D {s.LossD:F4}  Loss_G {s.LossG:F4}  D(x) {s.DReal:F4}  D(G(z)) {s.DFakeBefore:F4} / {s.DFakeAfter:F4}"));
        }
        if (state is not null) lines.Add(state);
        if (_note is not null) lines.Add("note: " + _note);
        return new TrainingView(lines, _chart, _grid);
    }

    private void Refresh()
    {
        if (_trainer.History.Count >= 2)
            _chart = HistoryPng.Render(_trainer.History, new HistoryPngOptions { Width = _options.ChartWidth, Height = _options.ChartHeight });
        using var faces = _trainer.Sample(_options.GridFaces, seed: _options.GridSeed);
        _grid = ImageGrid.ToPng(faces, columns: Math.Min(_options.GridFaces, 8));
    }

    private void Show(string? state)
    {
        var view = View(state);
        if (_handle is null) _handle = Display.display(view);
        else _handle.Update(view);
        _sinceRedraw.Restart();
    }

    private void Finish(string state)
    {
        if (_last is not null) Refresh();
        Show(state);
    }
}
