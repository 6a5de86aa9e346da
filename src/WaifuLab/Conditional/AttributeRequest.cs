using System.Globalization;
using WaifuLab.Data;
using static TorchSharp.torch;

namespace WaifuLab.Conditional;

/// <summary>One requested attribute value: the categorical value's index, or the continuous value scaled to [0,1].</summary>
public sealed record AttributeAssignment(AttributeSpec Attribute, int Offset, int? Index, double? Scaled)
{
    public override string ToString() => Index is int i
        ? $"{Attribute.Name}={Attribute.Values[i]}"
        : $"{Attribute.Name}={(Attribute.Min + Scaled!.Value * (Attribute.Max - Attribute.Min)).ToString("0.###", CultureInfo.InvariantCulture)}";
}

/// <summary>
/// A partial assignment of attributes, parsed from "name=value" texts (as in <c>--attr hair=white --attr mouth=0.8</c>).
/// <see cref="Fill"/> turns it into condition vectors: requested attributes fixed, the others drawn from the data's
/// conditions (or at random), so samples vary in everything the user did not ask for.
/// </summary>
public sealed class AttributeRequest
{
    private AttributeRequest(LabelSchema schema, IReadOnlyList<AttributeAssignment> assignments)
    {
        Schema = schema;
        Assignments = assignments;
    }

    public LabelSchema Schema { get; }
    public IReadOnlyList<AttributeAssignment> Assignments { get; }

    /// <summary>Nothing requested: every attribute drawn.</summary>
    public static AttributeRequest None(LabelSchema schema) => new(schema, []);

    /// <summary>
    /// Parses "name=value". Unknown attributes, values and out-of-range numbers are refused with an
    /// <see cref="ArgumentException"/> listing the valid ones.
    /// </summary>
    public static AttributeRequest Parse(LabelSchema schema, string text) => ParseMany(schema, [text]);

    public static AttributeRequest ParseMany(LabelSchema schema, IEnumerable<string> texts)
    {
        var assignments = new List<AttributeAssignment>();
        foreach (var text in texts)
        {
            int eq = text.IndexOf('=');
            if (eq <= 0 || eq == text.Length - 1)
                throw new ArgumentException($"'{text}' is not an attribute request; write name=value, e.g. {Example(schema)}; attributes: {Describe(schema)}");
            string name = text[..eq].Trim(), value = text[(eq + 1)..].Trim();
            var spec = schema[name]; // throws listing the attributes
            if (assignments.Any(a => a.Attribute == spec))
                throw new ArgumentException($"attribute '{spec.Name}' is requested twice; give each attribute once");
            int offset = schema.Offset(spec.Name);
            assignments.Add(spec.Kind == AttributeKind.Categorical
                ? new AttributeAssignment(spec, offset, spec.IndexOf(value), null)
                : new AttributeAssignment(spec, offset, null, (spec.ParseNumber(value) - spec.Min) / (spec.Max - spec.Min)));
        }
        return new AttributeRequest(schema, assignments);
    }

    /// <summary>Writes the requested values into one condition vector, leaving the other attributes' entries alone.</summary>
    public void Apply(Span<float> condition)
    {
        if (condition.Length != Schema.Width)
            throw new ArgumentException($"condition vector has {condition.Length} entries; the schema needs {Schema.Width}");
        foreach (var a in Assignments)
        {
            if (a.Index is int index)
            {
                condition.Slice(a.Offset, a.Attribute.Width).Clear();
                condition[a.Offset + index] = 1f;
            }
            else condition[a.Offset] = (float)a.Scaled!.Value;
        }
    }

    /// <summary>
    /// (n, C) condition vectors with the requested attributes fixed and the others taken from rows drawn from
    /// <paramref name="pool"/>, or, without a pool, a uniformly random value per categorical attribute and a uniform
    /// number in [0,1] per continuous one. Seeded.
    /// </summary>
    public static Tensor Fill(AttributeRequest request, ConditionPool? pool, int n, long seed = 0)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "ask for at least one condition");
        var schema = request.Schema;
        if (pool is not null && pool.Width != schema.Width)
            throw new ArgumentException($"the condition pool has width {pool.Width}; the schema needs {schema.Width}");
        float[] data;
        if (pool is not null)
        {
            using var g = new Generator((ulong)seed);
            using var drawn = pool.Sample(n, generator: g);
            data = drawn.data<float>().ToArray();
        }
        else data = RandomConditions(schema, n, seed);
        for (int i = 0; i < n; i++) request.Apply(data.AsSpan(i * schema.Width, schema.Width));
        return tensor(data, new long[] { n, schema.Width });
    }

    private static float[] RandomConditions(LabelSchema schema, int n, long seed)
    {
        var rng = new Random(unchecked((int)seed));
        var data = new float[n * schema.Width];
        for (int i = 0; i < n; i++)
        {
            int offset = i * schema.Width;
            foreach (var a in schema.Attributes)
            {
                if (a.Kind == AttributeKind.Categorical) data[offset + rng.Next(a.Width)] = 1f;
                else data[offset] = (float)rng.NextDouble();
                offset += a.Width;
            }
        }
        return data;
    }

    private static string Describe(LabelSchema schema) => string.Join("; ", schema.Attributes);

    private static string Example(LabelSchema schema)
    {
        var a = schema.Attributes.FirstOrDefault();
        return a is null ? "hair=white" : a.Kind == AttributeKind.Categorical ? $"{a.Name}={a.Values[0]}" : $"{a.Name}={a.Max.ToString(CultureInfo.InvariantCulture)}";
    }

    public override string ToString() => Assignments.Count == 0 ? "(any)" : string.Join(" ", Assignments);
}
