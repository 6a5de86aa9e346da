using static TorchSharp.torch;

namespace WaifuLab.Conditional;

/// <summary>
/// The mode-seeking regulariser of MSGAN (Mao et al. 2019, "Mode Seeking Generative Adversarial Networks for Diverse
/// Image Synthesis"): for two noise vectors under the same condition, the ratio of the image distance to the noise
/// distance, d_I(G(z1, c), G(z2, c)) / d_z(z1, z2) with mean absolute differences; G minimises 1 / (ratio + eps), so a
/// G that draws the same face for every z is penalised. Against conditional mode collapse: measured here, a cGAN that
/// meets its attribute targets still drew nearly the same face for every z given c.
/// </summary>
public static class ModeSeekingLoss
{
    const double Eps = 1e-5;

    /// <summary>
    /// The loss for a batch laid out by <see cref="Paired"/>: <paramref name="images"/> (N,...) and <paramref name="z"/>
    /// (N,nz), row i paired with row i + ceil(N/2) (same condition, other noise). Returns a scalar with gradients to the images.
    /// </summary>
    public static Tensor Compute(Tensor images, Tensor z)
    {
        long n = images.shape[0];
        if (n < 2 || z.shape[0] != n)
            throw new ArgumentException($"mode seeking pairs the two halves of a batch: it needs at least 2 images and as many noise rows, got {n} images and {z.shape[0]} noise rows");
        long offset = (n + 1) / 2, pairs = n - offset;
        var imageDistance = (images.narrow(0, 0, pairs) - images.narrow(0, offset, pairs)).abs().mean();
        var noiseDistance = (z.narrow(0, 0, pairs) - z.narrow(0, offset, pairs)).abs().mean();
        return 1.0 / (imageDistance / noiseDistance + Eps);
    }

    /// <summary>Fake conditions for a mode-seeking batch of <paramref name="n"/>: <paramref name="half"/> (ceil(n/2), C) twice, cut to n rows.</summary>
    public static Tensor Paired(Tensor half, int n) => cat([half, half], 0).narrow(0, 0, n);
}
