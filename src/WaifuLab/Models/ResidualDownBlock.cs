using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace WaifuLab.Models;

/// <summary>
/// The discriminator's residual block (SNGAN / BigGAN): ReLU-conv3x3-ReLU-conv3x3-avgpool, plus a skip path of a 1x1
/// conv and the same pooling (identity when neither size nor width changes). No BatchNorm: D is kept in check by spectral
/// norm (applied to every conv by <see cref="ModelFactory"/> when the model options ask for it). The first block reads
/// the image itself, so it has no leading ReLU (SNGAN's "optimized" block).
/// </summary>
public sealed class ResidualDownBlock : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1, conv2;
    private readonly Conv2d? skip;
    private readonly bool downsample, first;

    public ResidualDownBlock(long inChannels, long outChannels, bool downsample, bool first = false) : base(nameof(ResidualDownBlock))
    {
        this.downsample = downsample;
        this.first = first;
        conv1 = Conv2d(inChannels, outChannels, 3, stride: 1, padding: 1L, bias: false);
        conv2 = Conv2d(outChannels, outChannels, 3, stride: 1, padding: 1L, bias: false);
        if (downsample || inChannels != outChannels) skip = Conv2d(inChannels, outChannels, 1, stride: 1, padding: 0L, bias: false);
        RegisterComponents();
    }

    static Tensor Down(Tensor x) => functional.avg_pool2d(x, 2);

    /// <summary>x (N,in,H,W) -> (N,out,H/2,W/2) (or (N,out,H,W) without downsampling).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        // call, not forward: spectral norm's hooks must fire.
        var h = conv1.call(first ? x : functional.relu(x));
        h = conv2.call(functional.relu(h));
        if (downsample) h = Down(h);
        // Pooling before the 1x1 skip conv in every block: the same result (average pooling commutes with a 1x1 conv)
        // for a quarter of the conv's work.
        var s = downsample ? Down(x) : x;
        if (skip is not null) s = skip.call(s);
        return (h + s).MoveToOuterDisposeScope();
    }
}
