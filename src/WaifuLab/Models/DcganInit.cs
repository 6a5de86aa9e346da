using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WaifuLab.Models;

/// <summary>
/// The one seeded initialisation of every model: the DCGAN paper's scheme for convolutions (weights N(0, 0.02)) and
/// BatchNorms (gamma N(1, 0.02), beta 0), then, for linear layers (embeddings, heads), libtorch's default
/// U(-1/sqrt(fan_in), 1/sqrt(fan_in)). Draws with torch.randn/rand(generator:) on the CPU and copies under no_grad,
/// because TorchSharp's nn.init functions and the layers' constructors ignore a seeded generator, which would make two
/// runs with the same seed differ.
/// </summary>
public static class DcganInit
{
    public const double Std = 0.02;

    public static void Apply(nn.Module module, Generator? generator = null)
    {
        using var _ = no_grad();
        // modules() lists the descendants only: a root that draws its own weights (the style G's constant) goes first.
        if (module is Style.ISeededInit root) root.Initialize(generator);
        foreach (var m in module.modules())
        {
            switch (m)
            {
                case Conv2d conv:
                    Normal(conv.weight!, 0, generator);
                    break;
                case ConvTranspose2d convt:
                    Normal(convt.weight!, 0, generator);
                    break;
                case Style.ISeededInit layer: // equalized-lr layers draw N(0,1) weights their own way
                    layer.Initialize(generator);
                    break;
                case BatchNorm2d bn:
                    Normal(bn.weight!, 1, generator);
                    bn.bias!.zero_();
                    break;
            }
        }
        // A second pass, so the conv and BatchNorm draws come first whatever the module order.
        foreach (var m in module.modules())
        {
            if (m is not Linear linear) continue;
            double bound = 1.0 / Math.Sqrt(linear.in_features);
            Uniform(linear.weight!, bound, generator);
            if (linear.bias is { } bias) Uniform(bias, bound, generator);
        }
    }

    static void Normal(Tensor target, double mean, Generator? generator)
    {
        // Drawn on the CPU so a seed gives the same weights whichever device the model lives on.
        using var scope = NewDisposeScope();
        var draw = randn(target.shape, dtype: float32, device: CPU, generator: generator).mul_(Std).add_(mean);
        target.copy_(draw);
    }

    static void Uniform(Tensor target, double bound, Generator? generator)
    {
        using var scope = NewDisposeScope();
        target.copy_(rand(target.shape, dtype: float32, device: CPU, generator: generator).mul_(2 * bound).sub_(bound));
    }
}
