using System.Globalization;

namespace WaifuLab.Data;

/// <summary>
/// One labelled attribute: a categorical one encodes as a one-hot block of <see cref="Values"/>.Count entries,
/// a continuous one as a single number in [<see cref="Min"/>, <see cref="Max"/>].
/// </summary>
public sealed record AttributeSpec(string Name, AttributeKind Kind, IReadOnlyList<string> Values, double Min = 0, double Max = 1)
{
    public static AttributeSpec Categorical(string name, params string[] values) => new(name, AttributeKind.Categorical, values);
    public static AttributeSpec Continuous(string name, double min = 0, double max = 1) => new(name, AttributeKind.Continuous, [], min, max);

    /// <summary>Entries this attribute takes in a condition vector.</summary>
    public int Width => Kind == AttributeKind.Categorical ? Values.Count : 1;

    /// <summary>Index of a categorical value; throws naming the valid values if it is not one.</summary>
    public int IndexOf(string value)
    {
        if (Kind != AttributeKind.Categorical)
            throw new InvalidOperationException($"attribute '{Name}' is continuous; it has no named values");
        for (int i = 0; i < Values.Count; i++)
            if (string.Equals(Values[i], value, StringComparison.OrdinalIgnoreCase)) return i;
        throw new ArgumentException($"'{value}' is not a value of attribute '{Name}'; valid values: {string.Join(", ", Values)}");
    }

    /// <summary>Parses a continuous value; throws if it is not a number within range.</summary>
    public double ParseNumber(string text)
    {
        if (Kind != AttributeKind.Continuous)
            throw new InvalidOperationException($"attribute '{Name}' is categorical");
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new ArgumentException($"'{text}' is not a number; attribute '{Name}' takes numbers in [{Min}, {Max}]");
        if (v < Min || v > Max)
            throw new ArgumentException($"{text} is outside the range [{Min}, {Max}] of attribute '{Name}'");
        return v;
    }

    public override string ToString() => Kind == AttributeKind.Categorical
        ? $"{Name}: {string.Join(" | ", Values)}"
        : $"{Name}: number in [{Min.ToString(CultureInfo.InvariantCulture)}, {Max.ToString(CultureInfo.InvariantCulture)}]";
}
