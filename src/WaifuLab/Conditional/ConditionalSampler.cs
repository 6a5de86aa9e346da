using static TorchSharp.torch;

namespace WaifuLab.Conditional;

/// <summary>
/// Samples with chosen attributes, as <c>waifulab sample --attr hair=white --count 16</c> needs: seeded noise, G in eval
/// mode, CPU images (N,3,S,S) in [-1,1] ready for ImageGrid.
/// </summary>
public static class ConditionalSampler
{
    /// <summary>One image per row of <paramref name="conditions"/> (N,C), with noise drawn from <paramref name="seed"/>.</summary>
    public static Tensor Sample(ConditionalGenerator g, Tensor conditions, long seed = 0)
    {
        if (conditions.dim() != 2 || conditions.shape[1] != g.Options.ConditionSize)
            throw new ArgumentException($"conditions must have shape (N,{g.Options.ConditionSize}), got ({string.Join(",", conditions.shape)})", nameof(conditions));
        using var z = Rendering.Noise((int)conditions.shape[0], g.Options.Nz, seed);
        return Rendering.Render(g, z, conditions);
    }

    /// <summary><paramref name="count"/> images with the requested attributes fixed and the rest drawn from <paramref name="pool"/> (or at random).</summary>
    public static Tensor Sample(ConditionalGenerator g, AttributeRequest request, ConditionPool? pool, int count, long seed = 0)
    {
        if (request.Schema.Width != g.Options.ConditionSize)
            throw new ArgumentException($"the request's schema has width {request.Schema.Width}; the generator takes {g.Options.ConditionSize}");
        using var c = AttributeRequest.Fill(request, pool, count, seed);
        return Sample(g, c, seed);
    }
}
