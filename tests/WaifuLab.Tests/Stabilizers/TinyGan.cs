using TorchSharp;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Stabilizers;

/// <summary>Tiny G (z of 4 -> 3x8x8) and D (3x8x8 -> one logit) for stabiliser tests: a few hundred weights, milliseconds per step.</summary>
static class TinyGan
{
    public const int Nz = 4;

    public static nn.Module<Tensor, Tensor> G() => nn.Sequential(
        nn.Linear(Nz, 3 * 8 * 8), nn.Tanh(), nn.Unflatten(1, [3, 8, 8]));

    public static nn.Module<Tensor, Tensor> D() => nn.Sequential(
        nn.Conv2d(3, 4, 4, stride: 2, padding: 1), nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(4 * 4 * 4, 1));

    /// <summary>Copies every parameter and buffer of <paramref name="from"/> into <paramref name="to"/> (same architecture).</summary>
    public static void CopyInto(nn.Module from, nn.Module to)
    {
        using var noGrad = no_grad();
        var target = to.named_parameters().ToDictionary(p => p.Item1, p => p.Item2);
        foreach (var (name, p) in from.named_parameters()) target[name].copy_(p);
    }

    /// <summary>Same shape and bitwise-equal values.</summary>
    public static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    public static Tensor Batch(int n, long seed)
    {
        var g = new Generator((ulong)seed);
        return (rand([n, 3, 8, 8], generator: g) * 2 - 1);
    }
}
