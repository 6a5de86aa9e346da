namespace WaifuLab.Cli.Notebooks;

/// <summary>
/// One declaration of a notebook's parameters cell, e.g. <c>string preset = "quick"; // smoke | quick | full</c>:
/// name, C# type, default as written, and the allowed values when a trailing comment lists them.
/// </summary>
public sealed record NotebookParameter(string Name, ParameterKind Kind, string TypeName, string DefaultText,
    IReadOnlyList<string> Choices)
{
    public override string ToString() => Choices.Count > 0
        ? $"{TypeName} {Name} = {DefaultText} ({string.Join(" | ", Choices)})"
        : $"{TypeName} {Name} = {DefaultText}";
}

/// <summary>The types a parameter value given on the command line can take.</summary>
public enum ParameterKind { Int, Long, Double, Float, Bool, String, Enum, Unsupported }
