namespace WaifuLab.Data;

/// <summary>
/// A labels file that cannot be used; the message names the file, the line and the column at fault. A FormatException
/// (InvalidDataException is sealed), which the CLI reports as a one-line error.
/// </summary>
public sealed class LabelFileException : FormatException
{
    public LabelFileException(string path, int? line, string? column, string problem)
        : base(Format(path, line, column, problem))
    {
        FilePath = path;
        Line = line;
        Column = column;
    }

    public string FilePath { get; }
    /// <summary>1-based line of the offending row; null when the problem is not one row's (e.g. a missing column).</summary>
    public int? Line { get; }
    public string? Column { get; }

    static string Format(string path, int? line, string? column, string problem)
    {
        var where = path;
        if (line is not null) where += $" line {line}";
        if (column is not null) where += $", column '{column}'";
        return $"{where}: {problem}";
    }
}
