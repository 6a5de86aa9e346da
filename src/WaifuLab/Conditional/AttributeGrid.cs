using WaifuLab.Models;
using WaifuLab.Data;
using static TorchSharp.torch;

namespace WaifuLab.Conditional;

/// <summary>
/// The "only white hair" grid: one row per value of an attribute, one column per fixed noise vector. Within a column
/// z and every other attribute stay the same, so the rows differ only in the chosen attribute.
/// </summary>
public static class AttributeGrid
{
    /// <summary>
    /// (rows * zCount, 3, S, S) images, row-major (pass <paramref name="zCount"/> as ImageGrid's columns). Rows are the
    /// attribute's values (categorical) or <paramref name="continuousSteps"/> evenly spaced numbers over its range.
    /// The other attributes of each column come from <paramref name="pool"/> (or at random without one).
    /// </summary>
    public static Tensor Make(nn.Module g, LabelSchema schema, string attribute, int zCount, long seed = 0,
        ConditionPool? pool = null, int continuousSteps = 5)
    {
        if (zCount < 1) throw new ArgumentOutOfRangeException(nameof(zCount), zCount, "a grid needs at least one column");
        int conditionSize = Rendering.ConditionSize(g);
        if (schema.Width != conditionSize)
            throw new ArgumentException($"the schema's width {schema.Width} does not match the generator's condition size {conditionSize}");
        var spec = schema[attribute];
        if (spec.Kind == AttributeKind.Continuous && continuousSteps < 2)
            throw new ArgumentOutOfRangeException(nameof(continuousSteps), continuousSteps, "a continuous attribute needs at least 2 rows");
        var values = spec.Kind == AttributeKind.Categorical
            ? spec.Values.ToArray()
            : Enumerable.Range(0, continuousSteps)
                .Select(i => (spec.Min + (spec.Max - spec.Min) * i / (continuousSteps - 1)).ToString("R", System.Globalization.CultureInfo.InvariantCulture))
                .ToArray();

        using var scope = NewDisposeScope();
        using var baseC = AttributeRequest.Fill(AttributeRequest.None(schema), pool, zCount, seed);
        var basis = baseC.data<float>().ToArray();
        var z = Rendering.Noise(zCount, ((IGanGenerator)g).Nz, seed);
        var conditions = new float[values.Length * zCount * schema.Width];
        for (int r = 0; r < values.Length; r++)
        {
            var request = AttributeRequest.Parse(schema, $"{spec.Name}={values[r]}");
            for (int col = 0; col < zCount; col++)
            {
                var row = conditions.AsSpan((r * zCount + col) * schema.Width, schema.Width);
                basis.AsSpan(col * schema.Width, schema.Width).CopyTo(row);
                request.Apply(row);
            }
        }
        var c = tensor(conditions, new long[] { values.Length * zCount, schema.Width });
        var zs = z.repeat(values.Length, 1);
        return Rendering.Render(g, zs, c).MoveToOuterDisposeScope();
    }
}
