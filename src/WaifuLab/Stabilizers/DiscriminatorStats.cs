using static TorchSharp.torch;

namespace WaifuLab.Stabilizers;

/// <summary>
/// What D believes, from its raw logits: the mean probability it assigns to "real" (the D(x) and D(G(z)) columns of
/// pytorch/examples dcgan) and its accuracy at threshold 0.5 (logit 0), for real and fake batches.
/// </summary>
public static class DiscriminatorStats
{
    /// <summary>Mean sigmoid(logit): D(x) for a real batch, D(G(z)) for a fake one.</summary>
    public static double MeanProbability(Tensor logits)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return logits.detach().to(float64).sigmoid().mean().item<double>();
    }

    /// <summary>Share of a real batch that D calls real (logit &gt; 0).</summary>
    public static double RealAccuracy(Tensor realLogits)
    {
        using var scope = NewDisposeScope();
        return realLogits.detach().gt(0).to(float64).mean().item<double>();
    }

    /// <summary>Share of a fake batch that D calls fake (logit &lt; 0).</summary>
    public static double FakeAccuracy(Tensor fakeLogits)
    {
        using var scope = NewDisposeScope();
        return fakeLogits.detach().lt(0).to(float64).mean().item<double>();
    }
}
