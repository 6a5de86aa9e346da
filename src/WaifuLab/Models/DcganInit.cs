using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WaifuLab.Models;

/// <summary>
/// The DCGAN paper's initialisation: conv weights N(0, 0.02), BatchNorm gamma N(1, 0.02) and beta 0.
/// Draws with torch.randn(generator:) and copies under no_grad, because TorchSharp's nn.init.normal_ ignores a
/// seeded generator, which would make runs irreproducible.
/// </summary>
public static class DcganInit
{
    public const double Std = 0.02;

    public static void Apply(nn.Module module, Generator? generator = null)
    {
        using var _ = no_grad();
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
                case BatchNorm2d bn:
                    Normal(bn.weight!, 1, generator);
                    bn.bias!.zero_();
                    break;
            }
        }
    }

    static void Normal(Tensor target, double mean, Generator? generator)
    {
        // Drawn on the CPU so a seed gives the same weights whichever device the model lives on.
        using var scope = NewDisposeScope();
        var draw = randn(target.shape, dtype: float32, device: CPU, generator: generator).mul_(Std).add_(mean);
        target.copy_(draw);
    }
}
