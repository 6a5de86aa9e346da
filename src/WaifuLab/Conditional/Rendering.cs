using WaifuLab.Models;
using static TorchSharp.torch;

namespace WaifuLab.Conditional;

internal static class Rendering
{
    /// <summary>
    /// G's images for rows of z and c, in eval mode (BatchNorm uses its running statistics, so an image does not depend
    /// on the others in its batch) and without gradients; G's train/eval mode is restored. Returns CPU (N,3,S,S).
    /// </summary>
    public static Tensor Render(nn.Module g, Tensor z, Tensor c)
    {
        bool wasTraining = g.training;
        g.eval();
        try
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var device = DcganBlocks.DeviceOf(g);
            var generator = g as IGanGenerator ?? throw new ArgumentException($"{g.GetType().Name} is not a generator", nameof(g));
            return generator.Generate(z.to(float32).to(device), c.to(float32).to(device)).cpu().MoveToOuterDisposeScope();
        }
        finally
        {
            if (wasTraining) g.train();
        }
    }

    /// <summary>The width of c a conditional generator takes (a <see cref="ConditionalGenerator"/> or a conditional <see cref="ResnetGenerator"/>).</summary>
    public static int ConditionSize(nn.Module g) => g switch
    {
        ConditionalGenerator c => c.Options.ConditionSize,
        ResnetGenerator { ConditionSize: > 0 } r => r.ConditionSize,
        _ => throw new ArgumentException($"{g.GetType().Name} is not a conditional generator", nameof(g)),
    };

    /// <summary>A (D) or (1,D) vector as one row, checked against the expected width.</summary>
    public static Tensor Row(Tensor v, int width, string name)
    {
        if (v.numel() != width)
            throw new ArgumentException($"{name} must have {width} entries, got {v.numel()} (shape ({string.Join(",", v.shape)}))", name);
        return v.reshape(1, width);
    }

    /// <summary>(count, nz) standard normal noise from a seed, on the CPU.</summary>
    public static Tensor Noise(int count, int nz, long seed)
    {
        using var g = new Generator((ulong)seed);
        return randn(new long[] { count, nz }, generator: g);
    }
}
