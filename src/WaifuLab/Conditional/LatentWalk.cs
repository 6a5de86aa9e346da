using WaifuLab.Sampling;
using static TorchSharp.torch;

namespace WaifuLab.Conditional;

/// <summary>
/// A walk through noise space with the condition fixed: the attributes stay while the face changes. Noise follows the
/// great circle between two seeded draws (<see cref="Interpolation.Slerp"/>), staying where G's training noise lay.
/// </summary>
public static class LatentWalk
{
    /// <summary>(steps,3,S,S) images of G(z_t, c) for z_t slerped between two noise vectors drawn from <paramref name="seed"/>.</summary>
    public static Tensor Make(ConditionalGenerator g, Tensor c, int steps, long seed = 0)
    {
        using var scope = NewDisposeScope();
        var cRow = Rendering.Row(c, g.Options.ConditionSize, nameof(c)).to(float32);
        var ends = Rendering.Noise(2, g.Options.Nz, seed);
        var path = Interpolation.Slerp(ends[0], ends[1], steps);
        return Rendering.Render(g, path, cRow.expand(steps, -1)).MoveToOuterDisposeScope();
    }
}
