using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace WaifuLab.Models;

/// <summary>
/// DCGAN discriminator: image (N,3,S,S) -> logits (N). 4/2/1 conv stages doubling the width, LeakyReLU 0.2, BatchNorm
/// on all but the first, then a 4x4 conv to one logit; no conv biases. Returns logits (not probabilities) so the loss
/// can use the numerically stable BCE-with-logits. At 64 px, ndf 64 this is exactly the pytorch/examples model
/// without its final Sigmoid.
/// </summary>
public sealed class DcganDiscriminator : Module<Tensor, Tensor>
{
    private readonly Sequential features;
    private readonly Conv2d head;

    public DcganDiscriminator(GanModelOptions options) : base(nameof(DcganDiscriminator))
    {
        Options = options.Validate();
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        long width = options.Ndf;
        layers.Add(("conv0", Conv2d(3, width, 4, stride: 2, padding: 1L, bias: false)));
        layers.Add(("lrelu0", LeakyReLU(0.2, inplace: true)));
        AddExtraBlocks(layers, options, width, 0);
        for (int stage = 1; stage < options.Stages; stage++)
        {
            long next = width * 2;
            layers.Add(($"conv{stage}", Conv2d(width, next, 4, stride: 2, padding: 1L, bias: false)));
            layers.Add(($"bn{stage}", BatchNorm2d(next)));
            layers.Add(($"lrelu{stage}", LeakyReLU(0.2, inplace: true)));
            width = next;
            AddExtraBlocks(layers, options, width, stage);
        }
        features = Sequential(layers);
        head = Conv2d(width, 1, 4, stride: 1, padding: 0L, bias: false);
        FeatureChannels = width;
        RegisterComponents();
    }

    public GanModelOptions Options { get; }

    /// <summary>Channels of <see cref="Features"/>' output (ndf * S/8); its spatial size is always 4x4.</summary>
    public long FeatureChannels { get; }

    /// <summary>The last hidden feature map (N, FeatureChannels, 4, 4), before the logit conv; for conditional heads.</summary>
    public Tensor Features(Tensor x)
    {
        int s = Options.ImageSize;
        if (x.dim() != 4 || x.shape[1] != 3 || x.shape[2] != s || x.shape[3] != s)
            throw new ArgumentException($"images must have shape (N,3,{s},{s}), got ({string.Join(",", x.shape)})", nameof(x));
        return features.forward(x);
    }

    public override Tensor forward(Tensor x)
    {
        using var h = Features(x);
        return head.call(h).view(-1); // call, not forward: forward hooks (spectral norm) must fire
    }

    static void AddExtraBlocks(List<(string, Module<Tensor, Tensor>)> layers, GanModelOptions options, long width, int stage)
    {
        for (int b = 0; b < options.ExtraBlocks; b++)
        {
            layers.Add(($"extra{stage}_{b}", Conv2d(width, width, 3, stride: 1, padding: 1L, bias: false)));
            layers.Add(($"extra{stage}_{b}_bn", BatchNorm2d(width)));
            layers.Add(($"extra{stage}_{b}_lrelu", LeakyReLU(0.2, inplace: true)));
        }
    }
}
