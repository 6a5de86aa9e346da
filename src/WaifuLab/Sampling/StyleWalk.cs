using WaifuLab.Models.Style;
using static TorchSharp.torch;

namespace WaifuLab.Sampling;

/// <summary>
/// Latent walks with a <see cref="StyleGenerator"/> between the same two noise vectors, taken in z (a slerp, mapped
/// frame by frame) or in W (a straight line between the two mapped ws): StyleGAN's comparison of the two spaces'
/// smoothness. Images are drawn in eval mode (fixed noise) without gradients, on the CPU; G's mode is restored.
/// </summary>
public static class StyleWalk
{
    /// <summary>Frames (steps,3,S,S) from z0 to z1 (each (nz)); <paramref name="inW"/> walks W, else z.</summary>
    public static Tensor Frames(StyleGenerator g, Tensor z0, Tensor z1, int steps, bool inW)
    {
        if (steps < 2 || steps > 1000) throw new ArgumentOutOfRangeException(nameof(steps), $"a walk needs 2-1000 frames, got {steps}");
        bool wasTraining = g.training;
        g.eval();
        try
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var device = g.parameters().First().device;
            Tensor ws;
            if (inW)
            {
                var ends = g.Map(stack([z0, z1]).to(device), trackAverage: false); // (2,NumWs,wDim)
                var t = linspace(0, 1, steps, device: device).view(-1, 1, 1);
                ws = ends[0].unsqueeze(0) + t * (ends[1] - ends[0]).unsqueeze(0);
            }
            else
            {
                ws = g.Map(Interpolation.Slerp(z0, z1, steps).to(device), trackAverage: false);
            }
            return g.Synthesize(ws).cpu().MoveToOuterDisposeScope();
        }
        finally
        {
            g.train(wasTraining);
        }
    }
}
