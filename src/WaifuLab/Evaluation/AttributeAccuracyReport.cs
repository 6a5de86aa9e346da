namespace WaifuLab.Evaluation;

/// <summary>Per-attribute agreement between requested conditions and what the classifier reads from the generated images.</summary>
public sealed record AttributeAccuracyReport(IReadOnlyList<AttributeAccuracy> Attributes, int Count)
{
    public AttributeAccuracy this[string name] => Attributes.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"no attribute '{name}' in the report; attributes: {string.Join(", ", Attributes.Select(a => a.Name))}");

    public override string ToString() => $"{Count} generated images\n  " + string.Join("\n  ", Attributes);
}
