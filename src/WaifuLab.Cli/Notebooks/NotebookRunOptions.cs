using WaifuLab.Notebooks;

namespace WaifuLab.Cli.Notebooks;

/// <summary>How <see cref="NotebookRunner"/> runs one notebook.</summary>
public sealed record NotebookRunOptions
{
    /// <summary>Where the executed notebook goes; null writes it back over the input, as an editor's "Run All, Save" does.</summary>
    public string? OutputPath { get; init; }

    /// <summary>Stops the whole run after this long (null: no limit).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Stops any one cell after this long (null: no limit).</summary>
    public TimeSpan? CellTimeout { get; init; }

    public PlotlyMode Plotly { get; init; } = PlotlyMode.Inline;

    /// <summary>Progress lines ("cell 3/9 ok 1.2 s") go here; null for none.</summary>
    public TextWriter? Log { get; init; }
}
