using WaifuLab.Conditional;
using WaifuLab.Data;
using static TorchSharp.torch;

namespace WaifuLab.Projection;

/// <summary>
/// Edits of a projected image: the same z redrawn with a changed condition. Because z keeps what the condition does
/// not describe (pose, face shape, colours beyond the labels), an edit changes the named attribute and little else,
/// to the extent G has disentangled them. Images are (N,3,S,S) in [-1,1] on the CPU, drawn in eval mode.
/// </summary>
public static class Editor
{
    /// <summary>The projected image with the requested attributes set; the others keep their projected values.</summary>
    public static Tensor Edit(ConditionalGenerator g, ProjectionResult result, AttributeRequest request)
    {
        Check(g, result);
        if (request.Schema.Width != g.Options.ConditionSize)
            throw new ArgumentException($"the request's schema has width {request.Schema.Width}; the generator's condition has {g.Options.ConditionSize}", nameof(request));
        var condition = result.Condition.data<float>().ToArray();
        request.Apply(condition);
        using var c = tensor(condition, [1, condition.Length]);
        return Rendering.Render(g, result.Z, c);
    }

    /// <summary>Edits given as "name=value" texts (e.g. "hair=white"), read with the generator's schema; unknown attributes or values are refused.</summary>
    public static Tensor Edit(ConditionalGenerator g, ProjectionResult result, params string[] edits) =>
        Edit(g, result, AttributeRequest.ParseMany(SchemaOf(g, result), edits));

    /// <summary>
    /// One image per value of <paramref name="attribute"/> (categorical: each value; continuous:
    /// <paramref name="continuousSteps"/> evenly spaced numbers over its range), all with the projected z and the other
    /// attributes as projected: (values, 3, S, S).
    /// </summary>
    public static Tensor EditGrid(ConditionalGenerator g, ProjectionResult result, LabelSchema schema, string attribute, int continuousSteps = 5)
    {
        Check(g, result);
        if (schema.Width != g.Options.ConditionSize)
            throw new ArgumentException($"the schema's width {schema.Width} does not match the generator's condition size {g.Options.ConditionSize}", nameof(schema));
        var spec = schema[attribute];
        if (spec.Kind == AttributeKind.Continuous && continuousSteps < 2)
            throw new ArgumentOutOfRangeException(nameof(continuousSteps), continuousSteps, "a continuous attribute needs at least 2 values");
        var values = spec.Kind == AttributeKind.Categorical
            ? spec.Values.ToArray()
            : Enumerable.Range(0, continuousSteps)
                .Select(i => (spec.Min + (spec.Max - spec.Min) * i / (continuousSteps - 1)).ToString("R", System.Globalization.CultureInfo.InvariantCulture))
                .ToArray();
        var projected = result.Condition.data<float>().ToArray();
        var conditions = new float[values.Length * schema.Width];
        for (int r = 0; r < values.Length; r++)
        {
            var row = conditions.AsSpan(r * schema.Width, schema.Width);
            projected.CopyTo(row);
            AttributeRequest.Parse(schema, $"{spec.Name}={values[r]}").Apply(row);
        }
        using var c = tensor(conditions, [values.Length, schema.Width]);
        using var z = result.Z.repeat(values.Length, 1);
        return Rendering.Render(g, z, c);
    }

    /// <summary>
    /// Attribute transfer between two projections: a's z with b's condition (a's "identity" with b's attributes) and
    /// b's z with a's condition, each (1,3,S,S).
    /// </summary>
    public static (Tensor AWithBAttributes, Tensor BWithAAttributes) Transfer(ConditionalGenerator g, ProjectionResult a, ProjectionResult b)
    {
        Check(g, a);
        Check(g, b);
        var ab = Rendering.Render(g, a.Z, b.Condition);
        return (ab, Rendering.Render(g, b.Z, a.Condition));
    }

    static LabelSchema SchemaOf(ConditionalGenerator g, ProjectionResult result) =>
        g.Options.Schema ?? result.Schema ?? throw new ArgumentException(
            "the generator has no label schema, so attributes cannot be named; build the AttributeRequest with a schema or edit the condition tensor directly");

    static void Check(ConditionalGenerator g, ProjectionResult result)
    {
        if (result.Z.numel() != g.Options.Nz || result.Condition.numel() != g.Options.ConditionSize)
            throw new ArgumentException($"the projection has z of {result.Z.numel()} and a condition of {result.Condition.numel()} entries; this generator takes nz {g.Options.Nz} and a condition of {g.Options.ConditionSize}: edit with the generator it was projected into");
    }
}
