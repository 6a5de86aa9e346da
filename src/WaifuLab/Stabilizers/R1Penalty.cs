using TorchSharp;
using static TorchSharp.torch;

namespace WaifuLab.Stabilizers;

/// <summary>
/// R1 gradient penalty (Mescheder et al. 2018): gamma/2 * E_x ||grad_x D(x)||^2 on real data. Penalising D's slope at
/// the data stops D from growing arbitrarily sharp around the real samples, the local form of D dominance. The
/// gradient is taken with create_graph so the penalty itself can be backpropagated into D's weights.
/// </summary>
public static class R1Penalty
{
    /// <summary>Runs D on a detached, grad-requiring copy of <paramref name="real"/> and returns the penalty (a scalar).</summary>
    public static Tensor Compute(nn.Module<Tensor, Tensor> d, Tensor real, double gamma)
    {
        ArgumentNullException.ThrowIfNull(d);
        using var scope = NewDisposeScope();
        var x = real.detach().requires_grad_(true);
        var logits = d.call(x);
        return FromLogits(x, logits, gamma).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The penalty for logits already computed from <paramref name="realInput"/> (which must require grad), so a training
    /// step can reuse D's forward pass on the real batch for both its loss and R1.
    /// </summary>
    public static Tensor FromLogits(Tensor realInput, Tensor realLogits, double gamma)
    {
        if (!(gamma >= 0)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "R1 gamma must be >= 0");
        if (!realInput.requires_grad)
            throw new ArgumentException("the real input must require grad before D's forward pass (x.detach().requires_grad_(true))", nameof(realInput));
        using var scope = NewDisposeScope();
        // Summing the logits gives each sample's own input gradient: samples do not interact in D (no batch norm in D).
        var grad = autograd.grad(new[] { realLogits.sum() }, new[] { realInput }, retain_graph: true, create_graph: true)[0];
        var squaredNorms = grad.pow(2).reshape(grad.shape[0], -1).sum(1);
        return (squaredNorms.mean() * (gamma / 2)).MoveToOuterDisposeScope();
    }
}
