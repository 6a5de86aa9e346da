namespace WaifuLab.Notebooks;

/// <summary>How a <see cref="TrainingMonitor"/> draws: how often the chart and grid refresh, their size, the grid's noise.</summary>
public sealed record TrainingMonitorOptions
{
    /// <summary>Iterations between refreshes of the loss chart and the fixed-noise grid (also refreshed at the end).</summary>
    public int RefreshEvery { get; init; } = 50;

    /// <summary>Least seconds between redraws of the status lines.</summary>
    public double RedrawSeconds { get; init; } = 0.5;

    public int ChartWidth { get; init; } = 640;
    public int ChartHeight { get; init; } = 320;

    /// <summary>Faces in the fixed-noise grid (the same noise every refresh, so they are comparable).</summary>
    public int GridFaces { get; init; } = 8;
    public long GridSeed { get; init; } = 1;

    public TrainingMonitorOptions Validate()
    {
        Check(RefreshEvery >= 1 && RefreshEvery <= 1_000_000, $"RefreshEvery must be 1..1000000 iterations, got {RefreshEvery}");
        Check(double.IsFinite(RedrawSeconds) && RedrawSeconds >= 0 && RedrawSeconds <= 3600, $"RedrawSeconds must be 0..3600, got {RedrawSeconds}");
        Check(ChartWidth is >= 200 and <= 4000 && ChartHeight is >= 150 and <= 4000, $"the chart must be 200..4000 x 150..4000 px, got {ChartWidth}x{ChartHeight}");
        Check(GridFaces is >= 1 and <= 64, $"GridFaces must be 1..64, got {GridFaces}");
        return this;
    }

    private static void Check(bool ok, string message)
    {
        if (!ok) throw new ArgumentException(message);
    }
}
