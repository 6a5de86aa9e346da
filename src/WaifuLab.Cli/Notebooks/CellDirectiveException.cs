namespace WaifuLab.Cli.Notebooks;

/// <summary>A directive (<c>#r</c>, <c>#!</c>) the runner cannot honour, at a 1-based line of the cell.</summary>
public sealed class CellDirectiveException(int line, string message) : Exception(message)
{
    public int Line { get; } = line;
}
