using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace WaifuLab.Stabilizers;

/// <summary>
/// Spectral normalisation (Miyato et al. 2018), which TorchSharp lacks: every conv/linear layer computes with
/// W_sn = W / sigma(W), sigma the largest singular value of W reshaped to (out, in*k*k), estimated by power iteration
/// with a persistent vector u (one iteration per forward in training mode, none in eval mode, as in PyTorch).
/// <para>
/// How: TorchSharp's layers read their weight field directly, so W cannot be swapped for W/sigma before forward. But the
/// layers are linear in W, so a forward hook that maps the output y = conv(x, W) + b to (y - b)/sigma + b computes
/// exactly conv(x, W/sigma) + b, and autograd differentiates through sigma = u^T W v (u, v held constant) as PyTorch's
/// spectral_norm does. The optimiser still sees the plain weight; u and v are buffers ("sn_u", "sn_v") so they are
/// saved with the module. Hooks run when a layer is invoked with <c>call</c> (as Sequential and ModuleList users do),
/// not when <c>forward</c> is called directly.
/// </para>
/// </summary>
public static class SpectralNorm
{
    private const string UName = "sn_u";
    private const string VName = "sn_v";
    private const double Eps = 1e-12;

    /// <summary>
    /// Spectral-normalises every Conv1d/2d/3d, ConvTranspose and Linear layer inside <paramref name="module"/> (itself
    /// included). Idempotent: layers already normalised are skipped. Returns how many layers were newly normalised.
    /// </summary>
    public static int Apply(nn.Module module, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        int count = 0;
        var layers = new List<nn.Module> { module };
        foreach (var (_, child) in module.named_modules())
            if (!layers.Contains(child)) layers.Add(child);
        foreach (var m in layers)
        {
            if (m is not (Convolution or Linear) || IsApplied(m)) continue;
            AddTo((nn.Module<Tensor, Tensor>)m, generator);
            count++;
        }
        return count;
    }

    /// <summary>True when <paramref name="layer"/> carries spectral normalisation.</summary>
    public static bool IsApplied(nn.Module layer) => layer.named_buffers(false).Any(b => b.Item1 == UName);

    /// <summary>The current estimate of sigma(W) from the stored u, v (no power iteration is run).</summary>
    public static double Sigma(nn.Module layer)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (w, u, v) = Parts(layer);
        return Sigma(WeightMatrix(layer, w), u, v).item<float>();
    }

    /// <summary>The normalised weight W / sigma the layer computes with, shaped like its weight (a detached copy).</summary>
    public static Tensor NormalizedWeight(nn.Module layer)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (w, u, v) = Parts(layer);
        return (w / Sigma(WeightMatrix(layer, w), u, v)).MoveToOuterDisposeScope();
    }

    private static void AddTo(nn.Module<Tensor, Tensor> layer, Generator? generator)
    {
        var w = Weight(layer);
        long rows, cols;
        using (var matrix = WeightMatrix(layer, w)) { rows = matrix.shape[0]; cols = matrix.shape[1]; }
        using (no_grad())
        {
            // Random unit starting vectors; the first forwards' power iterations align them with W's top singular pair.
            layer.register_buffer(UName, F.normalize(randn(rows, dtype: w.dtype, device: w.device, generator: generator), dim: 0, eps: Eps), true);
            layer.register_buffer(VName, F.normalize(randn(cols, dtype: w.dtype, device: w.device, generator: generator), dim: 0, eps: Eps), true);
        }
        layer.register_forward_hook((m, input, output) => Rescale(m, output));
    }

    private static Tensor Rescale(nn.Module layer, Tensor output)
    {
        using var scope = NewDisposeScope();
        var (w, u, v) = Parts(layer);
        var matrix = WeightMatrix(layer, w);
        if (layer.training)
        {
            using var noGrad = no_grad();
            var m = matrix.detach();
            var newV = F.normalize(m.t().mv(u), dim: 0, eps: Eps);
            var newU = F.normalize(m.mv(newV), dim: 0, eps: Eps);
            u.copy_(newU);
            v.copy_(newV);
        }
        // Clones: the next forward updates the buffers in place while this graph may still be backpropagated (R1, G step).
        var sigma = Sigma(matrix, u.clone(), v.clone());
        var bias = Bias(layer);
        Tensor result;
        if (bias is null) result = output / sigma;
        else
        {
            var shape = Enumerable.Repeat(1L, (int)output.dim()).ToArray();
            // Channels are dim 1 for convolutions and the last dim for Linear.
            shape[layer is Linear ? shape.Length - 1 : 1] = bias.shape[0];
            var b = bias.reshape(shape);
            result = (output - b) / sigma + b;
        }
        return result.MoveToOuterDisposeScope();
    }

    private static Tensor Sigma(Tensor matrix, Tensor u, Tensor v) => u.dot(matrix.mv(v));

    private static (Tensor W, Tensor U, Tensor V) Parts(nn.Module layer)
    {
        if (!IsApplied(layer)) throw new ArgumentException($"layer {layer.GetType().Name} has no spectral normalisation; call SpectralNorm.Apply first", nameof(layer));
        var buffers = layer.named_buffers(false).ToDictionary(b => b.Item1, b => b.Item2);
        return (Weight(layer), buffers[UName], buffers[VName]);
    }

    private static Tensor Weight(nn.Module layer) => layer switch
    {
        Convolution c => c.weight,
        Linear l => l.weight,
        _ => throw new ArgumentException($"spectral normalisation applies to conv and linear layers, not {layer.GetType().Name}", nameof(layer)),
    };

    private static Tensor? Bias(nn.Module layer) => layer switch
    {
        Convolution c => c.bias,
        Linear l => l.bias,
        _ => null,
    };

    // (out, rest): transposed convolutions store (in, out, k...), so their output dim is 1 (as in PyTorch's spectral_norm).
    private static Tensor WeightMatrix(nn.Module layer, Tensor w) =>
        layer is Convolution { transposed: true } ? w.transpose(0, 1).reshape(w.shape[1], -1) : w.reshape(w.shape[0], -1);
}
