using WaifuLab.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace WaifuLab.Conditional;

/// <summary>
/// The original cGAN discriminator (Mirza and Osindero 2014) on a DCGAN trunk: c is broadcast to constant feature maps
/// appended to the RGB channels, so every convolution can relate pixels to the condition. The baseline to compare with.
/// </summary>
public sealed class ConcatDiscriminator : ConditionalDiscriminator
{
    private readonly Sequential trunk;
    private readonly Linear head;

    public ConcatDiscriminator(ConditionalGanOptions options) : base(nameof(ConcatDiscriminator), options)
    {
        trunk = DcganBlocks.Trunk(3 + options.ConditionSize, options.Ndf, options.Stages, out long features);
        head = Linear(features * 16, 1);
        RegisterComponents();
    }

    public override ConditioningMode Mode => ConditioningMode.Concat;

    public override DiscriminatorOutput Judge(Tensor x, Tensor c)
    {
        CheckInputs(x, c);
        using var scope = NewDisposeScope();
        var maps = c.view(c.shape[0], c.shape[1], 1, 1).expand(-1, -1, x.shape[2], x.shape[3]);
        var logit = head.call(trunk.forward(cat([x, maps], 1)).flatten(1)).squeeze(1);
        return new DiscriminatorOutput(logit.MoveToOuterDisposeScope(), null);
    }
}
