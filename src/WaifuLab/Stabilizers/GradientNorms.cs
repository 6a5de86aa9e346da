using TorchSharp;
using static TorchSharp.torch;

namespace WaifuLab.Stabilizers;

/// <summary>
/// Gradient norms for diagnosing D dominance (the mechanism is G's gradient vanishing once D wins; Arjovsky &amp; Bottou
/// 2017): the total L2 norm of a module's parameter gradients, and of G's loss gradient at its output images.
/// </summary>
public static class GradientNorms
{
    /// <summary>sqrt(sum over parameters of ||grad||^2); parameters without a gradient count as 0.</summary>
    public static double Of(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double sum = 0;
        foreach (var p in module.parameters())
        {
            var g = p.grad;
            if (g is null || g.IsInvalid) continue;
            sum += g.to(float64).pow(2).sum().item<double>();
        }
        return Math.Sqrt(sum);
    }

    /// <summary>
    /// ||d loss / d images||: the gradient G's loss sends back into G, taken at G's output (before G's own weights scale it).
    /// Keeps the graph (retain_graph) so the caller can still call loss.backward().
    /// </summary>
    public static double AtOutput(Tensor loss, Tensor images)
    {
        if (!images.requires_grad) throw new ArgumentException("the images must be part of the graph (G's output, not detached)", nameof(images));
        using var scope = NewDisposeScope();
        var grad = autograd.grad(new[] { loss }, new[] { images }, retain_graph: true)[0];
        return grad.to(float64).norm().item<double>();
    }
}
