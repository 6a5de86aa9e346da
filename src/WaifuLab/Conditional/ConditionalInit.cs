using TorchSharp.Modules;
using WaifuLab.Models;
using static TorchSharp.torch;

namespace WaifuLab.Conditional;

/// <summary>
/// Seeded initialisation of a conditional model: the DCGAN scheme for its convolutions and BatchNorms
/// (<see cref="DcganInit"/>), and for its linear layers (embeddings, heads) libtorch's default
/// U(-1/sqrt(fan_in), 1/sqrt(fan_in)), but drawn from the given seeded generator: the constructors initialise from
/// libtorch's global generator, which would make two runs with the same seed differ.
/// </summary>
public static class ConditionalInit
{
    public static void Apply(nn.Module module, Generator generator)
    {
        DcganInit.Apply(module, generator);
        using var _ = no_grad();
        foreach (var m in module.modules())
        {
            if (m is not Linear linear) continue;
            double bound = 1.0 / Math.Sqrt(linear.in_features);
            Uniform(linear.weight!, bound, generator);
            if (linear.bias is { } bias) Uniform(bias, bound, generator);
        }
    }

    static void Uniform(Tensor target, double bound, Generator generator)
    {
        // Drawn on the CPU so a seed gives the same weights whichever device the model lives on.
        using var scope = NewDisposeScope();
        target.copy_(rand(target.shape, dtype: float32, device: CPU, generator: generator).mul_(2 * bound).sub_(bound));
    }
}
