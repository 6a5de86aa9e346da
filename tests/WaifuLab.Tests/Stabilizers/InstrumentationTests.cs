using TorchSharp;
using WaifuLab.Stabilizers;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Stabilizers;

public class InstrumentationTests
{
    [Fact]
    public void Gradient_norm_of_a_module_is_the_L2_norm_over_all_parameter_gradients()
    {
        using var linear = nn.Linear(3, 1, hasBias: false);
        Assert.Equal(0.0, GradientNorms.Of(linear)); // no gradients yet
        using var x = tensor(new float[] { 1, 2, 3, 1, 2, 3 }).reshape(2, 3);
        using var loss = linear.call(x).sum();
        loss.backward(); // d/dw = sum of rows = (2, 4, 6)
        Assert.Equal(Math.Sqrt(4 + 16 + 36), GradientNorms.Of(linear), 5);
    }

    [Fact]
    public void Output_gradient_norm_is_that_of_dloss_dimages_and_keeps_the_graph()
    {
        using var w = tensor(new float[] { 1, -2 }).requires_grad_(true);
        using var images = w * 3;
        using var loss = images.pow(2).sum(); // d/dimages = 2 * images = (6, -12)
        Assert.Equal(Math.Sqrt(36 + 144), GradientNorms.AtOutput(loss, images), 4);
        loss.backward(); // still possible
        Assert.Equal(new float[] { 18, -36 }, w.grad!.data<float>().ToArray());
        using var detached = images.detach();
        Assert.Throws<ArgumentException>(() => GradientNorms.AtOutput(loss, detached));
    }

    [Fact]
    public void D_statistics_read_probabilities_and_accuracies_from_logits()
    {
        using var logits = tensor(new float[] { 2, -1, 0.5f, -3 });
        Assert.Equal(0.5, DiscriminatorStats.RealAccuracy(logits));
        Assert.Equal(0.5, DiscriminatorStats.FakeAccuracy(logits));
        double expected = new[] { 2, -1, 0.5, -3 }.Average(l => 1 / (1 + Math.Exp(-l)));
        Assert.Equal(expected, DiscriminatorStats.MeanProbability(logits), 6);
    }
}
