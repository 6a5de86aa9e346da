namespace WaifuLab.Conditional;

/// <summary>
/// The names users type for a <see cref="ConditioningMode"/> (CLI <c>--conditioning</c>, notebook parameters): one
/// table, so the command line and the notebooks accept the same words.
/// </summary>
public static class ConditioningNames
{
    static readonly (string Name, ConditioningMode Mode)[] Table =
    [
        ("projection", ConditioningMode.Projection),
        ("acgan", ConditioningMode.AuxiliaryClassifier),
        ("concat", ConditioningMode.Concat),
        ("projection-ac", ConditioningMode.ProjectionClassifier),
    ];

    /// <summary>Every name, in the order the CLI lists them.</summary>
    public static IReadOnlyList<string> All { get; } = Table.Select(t => t.Name).ToArray();

    /// <summary>The mode called <paramref name="name"/> (case-insensitive); unknown names are refused with the valid ones.</summary>
    public static ConditioningMode Parse(string name)
    {
        foreach (var (n, mode) in Table)
            if (string.Equals(n, name?.Trim(), StringComparison.OrdinalIgnoreCase)) return mode;
        throw new ArgumentException($"unknown conditioning '{name}': use one of {string.Join(", ", All)}", nameof(name));
    }

    /// <summary>The name of <paramref name="mode"/>.</summary>
    public static string Name(ConditioningMode mode) => Table.First(t => t.Mode == mode).Name;
}
