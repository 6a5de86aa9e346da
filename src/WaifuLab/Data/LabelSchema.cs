namespace WaifuLab.Data;

/// <summary>
/// The attributes of a labelled dataset and how they map to a condition vector: attributes in order, each a
/// one-hot block (categorical) or one value (continuous). Stored with checkpoints so sampling can name values.
/// </summary>
public sealed record LabelSchema(IReadOnlyList<AttributeSpec> Attributes)
{
    /// <summary>Length of a condition vector.</summary>
    public int Width => Attributes.Sum(a => a.Width);

    public AttributeSpec this[string name] => Attributes.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown attribute '{name}'; attributes: {string.Join(", ", Attributes.Select(a => a.Name))}");

    /// <summary>Index of the first condition-vector entry of attribute <paramref name="name"/>.</summary>
    public int Offset(string name)
    {
        int offset = 0;
        foreach (var a in Attributes)
        {
            if (string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase)) return offset;
            offset += a.Width;
        }
        throw new ArgumentException($"unknown attribute '{name}'; attributes: {string.Join(", ", Attributes.Select(a => a.Name))}");
    }

    /// <summary>
    /// Encodes one labelled row (attribute name to text value) as a condition vector. Every attribute must be present;
    /// continuous values are scaled to [0, 1] from their range.
    /// </summary>
    public float[] Encode(IReadOnlyDictionary<string, string> values)
    {
        var vector = new float[Width];
        int offset = 0;
        foreach (var a in Attributes)
        {
            var entry = values.FirstOrDefault(kv => string.Equals(kv.Key, a.Name, StringComparison.OrdinalIgnoreCase));
            if (entry.Key is null)
                throw new ArgumentException($"missing a value for attribute '{a.Name}' ({a})");
            if (a.Kind == AttributeKind.Categorical)
                vector[offset + a.IndexOf(entry.Value.Trim())] = 1f;
            else
                vector[offset] = (float)((a.ParseNumber(entry.Value.Trim()) - a.Min) / (a.Max - a.Min));
            offset += a.Width;
        }
        return vector;
    }

    /// <summary>Decodes a condition vector to text values: the arg-max name per categorical block, the number per continuous one.</summary>
    public IReadOnlyDictionary<string, string> Decode(ReadOnlySpan<float> vector)
    {
        if (vector.Length != Width) throw new ArgumentException($"condition vector has {vector.Length} entries; the schema needs {Width}");
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int offset = 0;
        foreach (var a in Attributes)
        {
            var block = vector.Slice(offset, a.Width);
            if (a.Kind == AttributeKind.Categorical)
            {
                int best = 0;
                for (int i = 1; i < block.Length; i++) if (block[i] > block[best]) best = i;
                result[a.Name] = a.Values[best];
            }
            else
            {
                result[a.Name] = (a.Min + block[0] * (a.Max - a.Min)).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
            }
            offset += a.Width;
        }
        return result;
    }
}
