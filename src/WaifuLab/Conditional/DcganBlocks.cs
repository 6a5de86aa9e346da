using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace WaifuLab.Conditional;

/// <summary>The DCGAN stacks (Radford et al. 2015) the conditional models are built from, for any power-of-two size.</summary>
internal static class DcganBlocks
{
    /// <summary>
    /// (N, inChannels, 1, 1) -> (N, 3, S, S): ConvT 4/1/0 to 4x4, then ConvT 4/2/1 stages halving the channels from
    /// ngf * 2^(stages-1) to ngf, each with BatchNorm and ReLU, and a last ConvT to RGB with tanh.
    /// </summary>
    public static Sequential Upsampler(int inChannels, int ngf, int stages)
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        int channels = ngf << (stages - 1);
        layers.Add(("convt0", ConvTranspose2d(inChannels, channels, 4, stride: 1, padding: 0L, bias: false)));
        layers.Add(("bn0", BatchNorm2d(channels)));
        layers.Add(("relu0", ReLU(inplace: true)));
        for (int i = 1; i < stages; i++)
        {
            layers.Add(($"convt{i}", ConvTranspose2d(channels, channels / 2, 4, stride: 2, padding: 1L, bias: false)));
            channels /= 2;
            layers.Add(($"bn{i}", BatchNorm2d(channels)));
            layers.Add(($"relu{i}", ReLU(inplace: true)));
        }
        layers.Add(("to_rgb", ConvTranspose2d(channels, 3, 4, stride: 2, padding: 1L, bias: false)));
        layers.Add(("tanh", Tanh()));
        return Sequential(layers.ToArray());
    }

    /// <summary>
    /// (N, inChannels, S, S) -> (N, ndf * 2^(stages-1), 4, 4): Conv 4/2/1 stages doubling the channels, LeakyReLU 0.2,
    /// BatchNorm on all but the first (as in DCGAN). The caller adds the head.
    /// </summary>
    public static Sequential Trunk(int inChannels, int ndf, int stages, out int featureChannels)
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        int channels = ndf;
        layers.Add(("conv0", Conv2d(inChannels, channels, 4, stride: 2, padding: 1L, bias: false)));
        layers.Add(("lrelu0", LeakyReLU(0.2, inplace: true)));
        for (int i = 1; i < stages; i++)
        {
            layers.Add(($"conv{i}", Conv2d(channels, channels * 2, 4, stride: 2, padding: 1L, bias: false)));
            channels *= 2;
            layers.Add(($"bn{i}", BatchNorm2d(channels)));
            layers.Add(($"lrelu{i}", LeakyReLU(0.2, inplace: true)));
        }
        featureChannels = channels;
        return Sequential(layers.ToArray());
    }

    /// <summary>DCGAN initialisation: conv weights N(0, 0.02), BatchNorm scale N(1, 0.02) and shift 0.</summary>
    public static void Initialize(Module module)
    {
        using var _ = no_grad();
        foreach (var (_, m) in module.named_modules())
        {
            switch (m)
            {
                case Conv2d conv: init.normal_(conv.weight, 0.0, 0.02); break;
                case ConvTranspose2d convt: init.normal_(convt.weight, 0.0, 0.02); break;
                case BatchNorm2d bn:
                    init.normal_(bn.weight, 1.0, 0.02);
                    init.zeros_(bn.bias);
                    break;
            }
        }
    }

    /// <summary>The device a module's parameters live on (CPU for a module without parameters).</summary>
    public static Device DeviceOf(Module module) => module.parameters().FirstOrDefault()?.device ?? CPU;
}
