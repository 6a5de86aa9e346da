using WaifuLab.Stabilizers;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Stabilizers;

public class InstanceNoiseTests
{
    [Fact]
    public void Sigma_anneals_linearly_to_zero_and_the_added_noise_has_that_spread()
    {
        var noise = new InstanceNoise(0.2, 100);
        Assert.Equal(0.2, noise.Sigma(0), 12);
        Assert.Equal(0.1, noise.Sigma(50), 12);
        Assert.Equal(0.0, noise.Sigma(100));
        Assert.Equal(0.0, noise.Sigma(5000));
        using var x = zeros(64, 3, 16, 16);
        using var noisy = noise.Apply(x, 50, new Generator(1));
        Assert.Equal(0.1, noisy.std().item<float>(), 2);
        Assert.Equal(0.0, noisy.mean().item<float>(), 2);
        Assert.Same(x, noise.Apply(x, 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InstanceNoise(-1, 10));
    }
}
