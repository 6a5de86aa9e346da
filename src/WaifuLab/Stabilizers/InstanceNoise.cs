using static TorchSharp.torch;

namespace WaifuLab.Stabilizers;

/// <summary>
/// Instance noise (Sønderby et al. 2016; Arjovsky &amp; Bottou 2017): Gaussian noise on every input of D, real and fake,
/// makes the two distributions overlap so D cannot separate them perfectly and G keeps a useful gradient. Sigma is
/// annealed linearly from <see cref="Sigma0"/> to 0 over <see cref="AnnealIterations"/> iterations, after which D sees clean images.
/// </summary>
public sealed class InstanceNoise
{
    /// <summary>Noise level at iteration 0, in image units (images are in [-1, 1]).</summary>
    public double Sigma0 { get; }

    /// <summary>Iterations until the noise reaches 0.</summary>
    public int AnnealIterations { get; }

    /// <summary>Creates the schedule; <paramref name="sigma0"/> = 0 disables it.</summary>
    public InstanceNoise(double sigma0, int annealIterations)
    {
        if (!(sigma0 >= 0)) throw new ArgumentOutOfRangeException(nameof(sigma0), sigma0, "instance noise sigma must be >= 0");
        if (annealIterations < 1) throw new ArgumentOutOfRangeException(nameof(annealIterations), annealIterations, "anneal over at least 1 iteration");
        Sigma0 = sigma0;
        AnnealIterations = annealIterations;
    }

    /// <summary>Sigma at <paramref name="iteration"/>: Sigma0 * (1 - t/N), and 0 from N on.</summary>
    public double Sigma(long iteration) =>
        iteration >= AnnealIterations ? 0.0 : Sigma0 * (1.0 - Math.Max(0, iteration) / (double)AnnealIterations);

    /// <summary>x + N(0, sigma^2) with this iteration's sigma; returns x itself (not a copy) once sigma is 0.</summary>
    public Tensor Apply(Tensor x, long iteration, Generator? generator = null)
    {
        double sigma = Sigma(iteration);
        if (sigma == 0) return x;
        using var noise = randn(x.shape, dtype: x.dtype, device: x.device, generator: generator);
        return x + noise * sigma;
    }
}
