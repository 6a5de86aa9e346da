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
public sealed class DcganDiscriminator : Module<Tensor, Tensor>, IGanDiscriminator
{
    private readonly Sequential features;
    private readonly Conv2d head;

    public DcganDiscriminator(GanModelOptions options) : base(nameof(DcganDiscriminator))
    {
        Options = options.Validate();
        features = DcganBlocks.Trunk(3, options.Ndf, options.Stages, out long width, options.ExtraBlocks);
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

    public DiscriminatorOutput Judge(Tensor x, Tensor? c) => c is null ? new(forward(x), null)
        : throw new ArgumentException("this discriminator is unconditional: it takes no conditions", nameof(c));
}
