using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace WaifuLab.Models;

/// <summary>
/// The DCGAN stacks (Radford et al. 2015) every DCGAN-family model is built from, for any power-of-two size: the
/// unconditional pair and the conditional variants share them, so a layer change happens once. Layer names follow
/// pytorch/examples' DCGAN (convt0, bn0, ...), which keeps state_dict names mappable to its checkpoints.
/// </summary>
internal static class DcganBlocks
{
    /// <summary>
    /// (N, inChannels, 1, 1) -> (N, 3, S, S): ConvT 4/1/0 to 4x4, then ConvT 4/2/1 stages halving the channels from
    /// ngf * 2^(stages-1) to ngf, each with BatchNorm and ReLU, and a last ConvT to RGB (named <paramref name="rgbName"/>)
    /// with tanh. <paramref name="extraBlocks"/> stride-1 3x3 conv blocks go before each upsampling (the deeper variant).
    /// </summary>
    public static Sequential Upsampler(long inChannels, int ngf, int stages, int extraBlocks = 0, string rgbName = "to_rgb")
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        long channels = (long)ngf << (stages - 1);
        layers.Add(("convt0", ConvTranspose2d(inChannels, channels, 4, stride: 1, padding: 0L, bias: false)));
        layers.Add(("bn0", BatchNorm2d(channels)));
        layers.Add(("relu0", ReLU(inplace: true)));
        for (int stage = 1; stage <= stages; stage++)
        {
            for (int b = 0; b < extraBlocks; b++)
            {
                layers.Add(($"extra{stage - 1}_{b}", Conv2d(channels, channels, 3, stride: 1, padding: 1L, bias: false)));
                layers.Add(($"extra{stage - 1}_{b}_bn", BatchNorm2d(channels)));
                layers.Add(($"extra{stage - 1}_{b}_relu", ReLU(inplace: true)));
            }
            if (stage == stages)
            {
                layers.Add((rgbName, ConvTranspose2d(channels, 3, 4, stride: 2, padding: 1L, bias: false)));
                layers.Add(("tanh", Tanh()));
                break;
            }
            layers.Add(($"convt{stage}", ConvTranspose2d(channels, channels / 2, 4, stride: 2, padding: 1L, bias: false)));
            channels /= 2;
            layers.Add(($"bn{stage}", BatchNorm2d(channels)));
            layers.Add(($"relu{stage}", ReLU(inplace: true)));
        }
        return Sequential(layers);
    }

    /// <summary>
    /// (N, inChannels, S, S) -> (N, ndf * 2^(stages-1), 4, 4): Conv 4/2/1 stages doubling the channels, LeakyReLU 0.2,
    /// BatchNorm on all but the first (as in DCGAN), <paramref name="extraBlocks"/> 3x3 blocks after each stage. The
    /// caller adds the head.
    /// </summary>
    public static Sequential Trunk(long inChannels, int ndf, int stages, out long featureChannels, int extraBlocks = 0)
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        long channels = ndf;
        layers.Add(("conv0", Conv2d(inChannels, channels, 4, stride: 2, padding: 1L, bias: false)));
        layers.Add(("lrelu0", new LeakyRelu(0.2, inplace: true)));
        AddExtraBlocks(layers, extraBlocks, channels, 0);
        for (int stage = 1; stage < stages; stage++)
        {
            layers.Add(($"conv{stage}", Conv2d(channels, channels * 2, 4, stride: 2, padding: 1L, bias: false)));
            channels *= 2;
            layers.Add(($"bn{stage}", BatchNorm2d(channels)));
            layers.Add(($"lrelu{stage}", new LeakyRelu(0.2, inplace: true)));
            AddExtraBlocks(layers, extraBlocks, channels, stage);
        }
        featureChannels = channels;
        return Sequential(layers);
    }

    static void AddExtraBlocks(List<(string, Module<Tensor, Tensor>)> layers, int extraBlocks, long width, int stage)
    {
        for (int b = 0; b < extraBlocks; b++)
        {
            layers.Add(($"extra{stage}_{b}", Conv2d(width, width, 3, stride: 1, padding: 1L, bias: false)));
            layers.Add(($"extra{stage}_{b}_bn", BatchNorm2d(width)));
            layers.Add(($"extra{stage}_{b}_lrelu", new LeakyRelu(0.2, inplace: true)));
        }
    }

    /// <summary>The device a module's parameters live on (CPU for a module without parameters).</summary>
    public static Device DeviceOf(Module module) => module.parameters().FirstOrDefault()?.device ?? CPU;
}
