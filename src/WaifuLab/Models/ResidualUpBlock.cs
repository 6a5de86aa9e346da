using TorchSharp;
using TorchSharp.Modules;
using WaifuLab.Conditional;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace WaifuLab.Models;

/// <summary>
/// The generator's residual block (SNGAN, Miyato et al. 2018; BigGAN, Brock et al. 2019): BN-ReLU-upsample-conv3x3-
/// BN-ReLU-conv3x3, plus a skip path that is the input through a 1x1 conv, up-sampled (identity when neither size nor
/// width changes). With a condition size > 0 both norms are <see cref="ConditionalBatchNorm2d"/> of c, so every block sees
/// the condition. The skip lets gradients reach early blocks undiminished, which is what a deep plain stack lacks.
/// </summary>
public sealed class ResidualUpBlock : Module<Tensor, Tensor?, Tensor>
{
    private readonly Module norm1, norm2; // BatchNorm2d, or ConditionalBatchNorm2d when conditional
    private readonly Conv2d conv1, conv2;
    private readonly Conv2d? skip;
    private readonly bool upsample;

    public ResidualUpBlock(long inChannels, long outChannels, bool upsample, int conditionSize = 0) : base(nameof(ResidualUpBlock))
    {
        this.upsample = upsample;
        norm1 = Norm(inChannels, conditionSize);
        conv1 = Conv2d(inChannels, outChannels, 3, stride: 1, padding: 1L, bias: false);
        norm2 = Norm(outChannels, conditionSize);
        conv2 = Conv2d(outChannels, outChannels, 3, stride: 1, padding: 1L, bias: false);
        if (upsample || inChannels != outChannels) skip = Conv2d(inChannels, outChannels, 1, stride: 1, padding: 0L, bias: false);
        RegisterComponents();
    }

    static Module Norm(long channels, int conditionSize) =>
        conditionSize > 0 ? new ConditionalBatchNorm2d((int)channels, conditionSize) : BatchNorm2d(channels);

    static Tensor Apply(Module norm, Tensor x, Tensor? c) => norm is ConditionalBatchNorm2d cbn
        ? cbn.forward(x, c ?? throw new ArgumentException("this block is conditional: give it conditions c", nameof(c)))
        : ((BatchNorm2d)norm).forward(x);

    static Tensor Up(Tensor x) => functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);

    /// <summary>x (N,in,H,W), c (N,C) or null -> (N,out,2H,2W) (or (N,out,H,W) without upsampling).</summary>
    public override Tensor forward(Tensor x, Tensor? c)
    {
        using var scope = NewDisposeScope();
        var h = functional.relu(Apply(norm1, x, c));
        if (upsample) h = Up(h);
        h = conv1.call(h);
        h = functional.relu(Apply(norm2, h, c));
        h = conv2.call(h);
        // The 1x1 skip conv before the up-sampling: the same result (nearest up-sampling commutes with a 1x1 conv), a
        // quarter of the work, and the up-sampled tensor has the output's width instead of the input's (half at every stage).
        var s = skip is null ? x : skip.call(x);
        if (upsample) s = Up(s);
        return (h + s).MoveToOuterDisposeScope();
    }
}
