using TorchSharp;
using TorchSharp.Modules;
using WaifuLab.Stabilizers;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace WaifuLab.Tests.Stabilizers;

public class SpectralNormTests
{
    [Fact]
    public void Power_iteration_drives_the_largest_singular_value_of_the_normalised_weight_to_one()
    {
        var g = new Generator(7);
        using var linear = nn.Linear(20, 10);
        using var conv = nn.Conv2d(3, 8, 3);
        Assert.Equal(1, SpectralNorm.Apply(linear, g));
        Assert.Equal(1, SpectralNorm.Apply(conv, g));
        using var x = randn(2, 20, generator: g);
        using var img = randn(2, 3, 6, 6, generator: g);
        // Unseeded layer init: close top singular values converge slowly (error ~ (s2/s1)^(2k)), so iterate well past need.
        for (int i = 0; i < 200; i++)
        {
            using var a = linear.call(x);
            using var b = conv.call(img);
        }
        using var wl = SpectralNorm.NormalizedWeight(linear);
        using var wc = SpectralNorm.NormalizedWeight(conv);
        using var sl = linalg.svdvals(wl);
        using var sc = linalg.svdvals(wc.reshape(8, -1));
        Assert.Equal(1.0, sl[0].item<float>(), 2);
        Assert.Equal(1.0, sc[0].item<float>(), 2);
        // ... and sigma is the original weight's top singular value.
        using var s0 = linalg.svdvals(linear.weight.detach());
        Assert.Equal(s0[0].item<float>(), SpectralNorm.Sigma(linear), 3);
    }

    [Fact]
    public void Normalised_layers_compute_exactly_with_W_over_sigma_including_the_bias()
    {
        var g = new Generator(3);
        using var conv = nn.Conv2d(3, 5, 3, stride: 2, padding: 1);
        using var linear = nn.Linear(6, 4);
        SpectralNorm.Apply(conv, g);
        SpectralNorm.Apply(linear, g);
        using var img = randn(2, 3, 8, 8, generator: g);
        using var x = randn(3, 6, generator: g);
        using var yc = conv.call(img);
        using var yl = linear.call(x);
        using var wc = SpectralNorm.NormalizedWeight(conv);
        using var wl = SpectralNorm.NormalizedWeight(linear);
        using var expectC = F.conv2d(img, wc, conv.bias!.detach(), strides: [2, 2], padding: [1, 1]);
        using var expectL = F.linear(x, wl, linear.bias!.detach());
        Assert.True(yc.allclose(expectC, 1e-4, 1e-5));
        Assert.True(yl.allclose(expectL, 1e-4, 1e-5));
    }

    [Fact]
    public void Transposed_convolutions_are_normalised_along_their_output_dimension()
    {
        var g = new Generator(5);
        using var up = nn.ConvTranspose2d(6, 3, 4, stride: 2, padding: 1);
        // Weights from the test's own generator: the default init draws from the global one, which earlier tests move,
        // and how fast power iteration converges depends on the weights' spectral gap.
        using (no_grad()) up.weight!.copy_(randn(6, 3, 4, 4, generator: g).mul(0.1));
        SpectralNorm.Apply(up, g);
        using var x = randn(2, 6, 4, 4, generator: g);
        for (int i = 0; i < 100; i++) { using var y = up.call(x); }
        using var w = SpectralNorm.NormalizedWeight(up); // (in 6, out 3, 4, 4)
        using var s = linalg.svdvals(w.transpose(0, 1).reshape(3, -1));
        Assert.Equal(1.0, s[0].item<float>(), 2);
        using var last = up.call(x);
        using var expected = F.conv_transpose2d(x, SpectralNorm.NormalizedWeight(up), up.bias!.detach(), strides: [2, 2], padding: [1, 1]);
        Assert.True(last.allclose(expected, 1e-4, 1e-5));
    }

    [Fact]
    public void Apply_covers_every_layer_of_a_discriminator_keeps_its_parameters_and_lets_gradients_through()
    {
        using var d = TinyGan.D();
        int parameters = d.parameters().Count();
        using var x = TinyGan.Batch(4, 1);
        using var before = d.call(x).detach();
        Assert.Equal(2, SpectralNorm.Apply(d));
        Assert.Equal(0, SpectralNorm.Apply(d)); // idempotent
        Assert.Equal(parameters, d.parameters().Count());
        using var after = d.call(x);
        Assert.False(after.allclose(before)); // the hooks run inside Sequential
        after.sum().backward();
        Assert.All(d.parameters(), p => Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0));
        // Eval mode uses the stored vectors without another power iteration.
        d.eval();
        var conv = d.modules().OfType<Conv2d>().Single();
        double sigma = SpectralNorm.Sigma(conv);
        using var e = d.call(x);
        Assert.Equal(sigma, SpectralNorm.Sigma(conv));
        Assert.Throws<ArgumentException>(() => SpectralNorm.Sigma(nn.Linear(2, 2)));
    }
}
