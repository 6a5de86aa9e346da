using WaifuLab.Data;

namespace WaifuLab.Evaluation;

/// <summary>
/// What the classifier reads from a batch of images: a class index per image for each categorical attribute
/// (index into <see cref="AttributeSpec.Values"/>), a value in the attribute's own units for each continuous one.
/// </summary>
public sealed class AttributePredictions(LabelSchema schema, int count, IReadOnlyDictionary<string, int[]> classes, IReadOnlyDictionary<string, double[]> values)
{
    public LabelSchema Schema { get; } = schema;
    public int Count { get; } = count;

    public int[] Classes(string attribute) => classes.TryGetValue(attribute, out var c) ? c
        : throw new ArgumentException($"'{attribute}' is not a categorical attribute of the schema ({string.Join(", ", Schema.Attributes)})");

    public double[] Values(string attribute) => values.TryGetValue(attribute, out var v) ? v
        : throw new ArgumentException($"'{attribute}' is not a continuous attribute of the schema ({string.Join(", ", Schema.Attributes)})");

    /// <summary>The value names of a categorical attribute, one per image.</summary>
    public string[] Names(string attribute)
    {
        var spec = Schema[attribute];
        return Classes(attribute).Select(i => spec.Values[i]).ToArray();
    }
}
