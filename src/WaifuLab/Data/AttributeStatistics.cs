namespace WaifuLab.Data;

/// <summary>
/// How one attribute is distributed over a dataset: for a categorical one, the count of each value (in schema order);
/// for a continuous one, min, mean and max in the attribute's own units.
/// </summary>
public sealed record AttributeStatistics(AttributeSpec Attribute, IReadOnlyList<(string Value, int Count)> Frequencies,
    double Min, double Mean, double Max)
{
    /// <summary>Per-attribute statistics of condition vectors (N, schema.Width) encoded with <paramref name="schema"/>.</summary>
    public static IReadOnlyList<AttributeStatistics> Compute(LabelSchema schema, TorchSharp.torch.Tensor conditions)
    {
        if (conditions.dim() != 2 || conditions.shape[1] != schema.Width)
            throw new ArgumentException($"conditions must have shape (N,{schema.Width}), got ({string.Join(",", conditions.shape)})", nameof(conditions));
        int n = (int)conditions.shape[0], width = schema.Width;
        using var cpu = conditions.detach().cpu().to(TorchSharp.torch.float32).contiguous();
        var data = cpu.data<float>().ToArray();
        var result = new List<AttributeStatistics>();
        int offset = 0;
        foreach (var a in schema.Attributes)
        {
            if (a.Kind == AttributeKind.Categorical)
            {
                var counts = new int[a.Width];
                for (int r = 0; r < n; r++)
                {
                    int best = 0;
                    for (int k = 1; k < a.Width; k++) if (data[r * width + offset + k] > data[r * width + offset + best]) best = k;
                    counts[best]++;
                }
                result.Add(new(a, a.Values.Select((v, k) => (v, counts[k])).ToList(), double.NaN, double.NaN, double.NaN));
            }
            else
            {
                double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
                for (int r = 0; r < n; r++)
                {
                    double v = a.Min + data[r * width + offset] * (a.Max - a.Min);
                    min = Math.Min(min, v); max = Math.Max(max, v); sum += v;
                }
                result.Add(n == 0 ? new(a, [], double.NaN, double.NaN, double.NaN) : new(a, [], min, sum / n, max));
            }
            offset += a.Width;
        }
        return result;
    }
}
