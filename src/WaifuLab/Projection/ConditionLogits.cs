using WaifuLab.Conditional;
using WaifuLab.Data;
using static TorchSharp.torch;

namespace WaifuLab.Projection;

/// <summary>
/// The unconstrained form of a condition vector that projection optimises: logits per categorical block (softmax keeps
/// the block a distribution over the values) and one logit per continuous entry (sigmoid keeps it in [0,1]). Any
/// logits thus map to a condition G was trained on the span of.
/// </summary>
internal static class ConditionLogits
{
    /// <summary>Condition vectors (N,C) from logits (N,C).</summary>
    public static Tensor ToCondition(Tensor logits, ConditionLayout layout)
    {
        var blocks = new Tensor[layout.Blocks.Count];
        for (int i = 0; i < blocks.Length; i++)
        {
            var b = layout.Blocks[i];
            using var slice = logits.narrow(1, b.Offset, b.Width);
            blocks[i] = b.Kind == AttributeKind.Categorical ? slice.softmax(1) : slice.sigmoid();
        }
        try { return cat(blocks, 1); }
        finally { foreach (var t in blocks) t.Dispose(); }
    }

    /// <summary>
    /// Logits (C) for a condition vector, first mixed with the uniform condition by <paramref name="smoothing"/> so no
    /// entry starts saturated: log-probabilities per categorical block, log-odds per continuous entry.
    /// </summary>
    public static float[] FromCondition(ReadOnlySpan<float> condition, ConditionLayout layout, double smoothing)
    {
        if (condition.Length != layout.Width)
            throw new ArgumentException($"the initial condition has {condition.Length} entries; the generator's condition has {layout.Width}");
        var logits = new float[condition.Length];
        foreach (var b in layout.Blocks)
        {
            var block = condition.Slice(b.Offset, b.Width);
            if (b.Kind == AttributeKind.Categorical)
            {
                double sum = 0;
                foreach (var v in block) sum += Math.Max(0, v);
                for (int i = 0; i < b.Width; i++)
                {
                    double p = sum > 0 ? Math.Max(0, block[i]) / sum : 1.0 / b.Width;
                    logits[b.Offset + i] = (float)Math.Log((1 - smoothing) * p + smoothing / b.Width);
                }
            }
            else
            {
                double v = (1 - smoothing) * Math.Clamp((double)block[0], 0, 1) + smoothing * 0.5;
                logits[b.Offset] = (float)Math.Log(v / (1 - v));
            }
        }
        return logits;
    }

    /// <summary>The condition read as values: the schema's decoding, or c0, c1, ... = number without a schema.</summary>
    public static IReadOnlyDictionary<string, string> Describe(ReadOnlySpan<float> condition, LabelSchema? schema)
    {
        if (schema is not null) return schema.Decode(condition);
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < condition.Length; i++)
            result[$"c{i}"] = condition[i].ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        return result;
    }
}
