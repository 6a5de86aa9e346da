using WaifuLab.Notebooks;

namespace WaifuLab.Cli.Notebooks;

/// <summary>What a run did: the executed notebook (written to <see cref="OutputPath"/> either way) and the failure, if any.</summary>
public sealed record NotebookRunResult(
    NotebookDocument Notebook,
    string OutputPath,
    TimeSpan Duration,
    int CellsRun,
    int? FailedCellIndex,
    string? Error,
    bool TimedOut)
{
    public bool Succeeded => Error is null;
}
