using TorchSharp;
using TorchSharp.Modules;
using WaifuLab.Stabilizers;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Stabilizers;

public class R1PenaltyTests
{
    [Fact]
    public void For_a_linear_D_the_penalty_is_gamma_over_two_times_the_squared_weight_norm_and_it_backpropagates()
    {
        // D(x) = w . flatten(x) + b has input gradient w for every sample, so R1 = gamma/2 ||w||^2 whatever x is,
        // and d R1 / d w = gamma * w.
        using var linear = nn.Linear(12, 1);
        using var d = nn.Sequential(nn.Flatten(), linear);
        using var x = TinyGan.Batch(5, 2).narrow(1, 0, 3).narrow(2, 0, 2).narrow(3, 0, 2); // (5, 3, 2, 2): 12 inputs
        const double gamma = 10;
        using var penalty = R1Penalty.Compute(d, x, gamma);
        using var w = linear.weight.detach().clone();
        double expected = gamma / 2 * w.pow(2).sum().item<float>();
        Assert.Equal(expected, penalty.item<float>(), 4);
        penalty.backward();
        Assert.True(linear.weight.grad!.allclose(w * gamma, 1e-4, 1e-5));
    }

    [Fact]
    public void For_a_quadratic_D_the_penalty_is_the_mean_squared_norm_of_the_analytic_input_gradient()
    {
        // D(x) = sum(x^2) per sample has input gradient 2x: R1 = gamma/2 * mean_i ||2 x_i||^2.
        using var x = TinyGan.Batch(3, 4);
        var d = new SquareSum();
        using var penalty = R1Penalty.Compute(d, x, 1.0);
        using var expected = (x * 2).pow(2).reshape(3, -1).sum(1).mean() / 2;
        Assert.Equal(expected.item<float>(), penalty.item<float>(), 3);
        using var detached = x.detach();
        using var logits = d.call(detached);
        Assert.Throws<ArgumentException>(() => R1Penalty.FromLogits(detached, logits, 1.0));
    }

    private sealed class SquareSum : nn.Module<Tensor, Tensor>
    {
        public SquareSum() : base(nameof(SquareSum)) { }
        public override Tensor forward(Tensor x) => x.pow(2).reshape(x.shape[0], -1).sum(1);
    }
}
