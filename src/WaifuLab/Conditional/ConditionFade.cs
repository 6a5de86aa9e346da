using WaifuLab.Data;
using WaifuLab.Sampling;
using static TorchSharp.torch;

namespace WaifuLab.Conditional;

/// <summary>
/// Fades between conditions with the noise fixed: the same face as its hair colour goes from A to B, or as a continuous
/// attribute (mouth opening) sweeps its range. Conditions move linearly (<see cref="Interpolation.Lerp"/>), so the
/// frames between endpoints ask G for values it never saw, showing what it learned in between.
/// </summary>
public static class ConditionFade
{
    /// <summary>(steps,3,S,S) images of G(z, c) for c linear from <paramref name="cFrom"/> to <paramref name="cTo"/>.</summary>
    public static Tensor Make(ConditionalGenerator g, Tensor z, Tensor cFrom, Tensor cTo, int steps)
    {
        using var scope = NewDisposeScope();
        var o = g.Options;
        var zRow = Rendering.Row(z, o.Nz, nameof(z));
        var path = Interpolation.Lerp(Rendering.Row(cFrom, o.ConditionSize, nameof(cFrom)).to(float32),
            Rendering.Row(cTo, o.ConditionSize, nameof(cTo)).to(float32), steps);
        return Rendering.Render(g, zRow.expand(steps, -1), path).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// (steps,3,S,S) images sweeping the continuous <paramref name="attribute"/> of <paramref name="c"/> from
    /// <paramref name="from"/> to <paramref name="to"/> (in the attribute's own units; its whole range by default).
    /// </summary>
    public static Tensor Sweep(ConditionalGenerator g, LabelSchema schema, Tensor z, Tensor c, string attribute, int steps,
        double? from = null, double? to = null)
    {
        var spec = schema[attribute];
        if (spec.Kind != AttributeKind.Continuous)
            throw new ArgumentException($"attribute '{spec.Name}' is categorical; sweep a continuous one ({string.Join(", ", schema.Attributes.Where(a => a.Kind == AttributeKind.Continuous).Select(a => a.Name))}) or fade between two conditions with Make");
        double lo = from ?? spec.Min, hi = to ?? spec.Max;
        foreach (var v in new[] { lo, hi })
            if (v < spec.Min || v > spec.Max)
                throw new ArgumentException($"{v} is outside the range [{spec.Min}, {spec.Max}] of attribute '{spec.Name}'");
        int offset = schema.Offset(spec.Name);
        using var scope = NewDisposeScope();
        var row = Rendering.Row(c, schema.Width, nameof(c)).to(float32);
        var a = row.clone();
        var b = row.clone();
        a[0, offset] = tensor((float)((lo - spec.Min) / (spec.Max - spec.Min)));
        b[0, offset] = tensor((float)((hi - spec.Min) / (spec.Max - spec.Min)));
        return Make(g, z, a, b, steps).MoveToOuterDisposeScope();
    }
}
