using static TorchSharp.torch;

namespace WaifuLab.Models.Style;

/// <summary>
/// StyleGAN2's modulated convolution (Karras et al. 2020, section 2.2): each image's style scales the weight's input
/// channels, demodulation rescales every output channel's weights to unit L2 norm (so activations keep unit variance
/// without instance normalisation, which caused the droplet artefacts), and the batch runs as one grouped convolution.
/// </summary>
public static class ModulatedConv
{
    // Held for the process: a temporary Scalar from "x + 1e-8" can be finalized by the GC while libtorch still reads it
    // (dotnet/TorchSharp#1434; a projection test failed with "Expected false to be true" in Scalar::toFloat).
    static readonly TorchSharp.Scalar Epsilon = 1e-8;

    /// <summary>The per-image weights (N,O,I,k,k) for <paramref name="weight"/> (O,I,k,k) and styles (N,I), demodulated when asked.</summary>
    public static Tensor Weights(Tensor weight, Tensor styles, bool demodulate)
    {
        long n = styles.shape[0];
        var w = weight.unsqueeze(0) * styles.reshape(n, 1, -1, 1, 1);
        if (!demodulate) return w;
        var d = (w.square().sum([2, 3, 4]) + Epsilon).rsqrt();
        return w * d.reshape(n, -1, 1, 1, 1);
    }

    /// <summary>
    /// Convolves x (N,I,H,W) with each image's own modulated weights; same-size output (N,O,H,W). Computed as the
    /// reference's non-fused path: scale the input channels by the style, one ordinary conv with the shared weight,
    /// scale the output channels by the demodulation coefficients rsqrt(sum_i,k (w s_i)^2). Equal to the grouped conv
    /// of <see cref="Weights"/> up to rounding, and several times faster on a CPU than a convolution with N groups.
    /// </summary>
    public static Tensor Apply(Tensor x, Tensor weight, Tensor styles, bool demodulate)
    {
        long n = x.shape[0], k = weight.shape[2];
        var y = nn.functional.conv2d(x * styles.reshape(n, -1, 1, 1), weight, padding: [k / 2, k / 2]);
        if (!demodulate) return y;
        var d = (styles.square().matmul(weight.square().sum([2, 3]).t()) + Epsilon).rsqrt(); // (N,O)
        return y * d.reshape(n, -1, 1, 1);
    }
}
