namespace WaifuLab.Plots;

/// <summary>How <see cref="HistoryPng"/> draws a run's curves.</summary>
public sealed record HistoryPngOptions
{
    /// <summary>Image width in pixels.</summary>
    public int Width { get; init; } = 1000;

    /// <summary>Image height in pixels; the two panels share it.</summary>
    public int Height { get; init; } = 600;

    /// <summary>Title over the top panel; null: "Training curves".</summary>
    public string? Title { get; init; }

    /// <summary>
    /// Iterations in the moving mean drawn over each noisy raw series; 0 picks about 1/50 of the run (at least 5),
    /// 1 draws the raw series only.
    /// </summary>
    public int SmoothWindow { get; init; }

    /// <summary>A TrueType font file for the text; null: see <see cref="PlotFont"/>.</summary>
    public string? FontFile { get; init; }

    internal void Validate()
    {
        if (Width < 200 || Width > 8000) throw new ArgumentException($"width must be between 200 and 8000 pixels, not {Width}", nameof(Width));
        if (Height < 200 || Height > 8000) throw new ArgumentException($"height must be between 200 and 8000 pixels, not {Height}", nameof(Height));
        if (SmoothWindow < 0) throw new ArgumentException($"the moving-mean window must be 0 (automatic) or more, not {SmoothWindow}", nameof(SmoothWindow));
    }
}
