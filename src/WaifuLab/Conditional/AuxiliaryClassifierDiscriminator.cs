using WaifuLab.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace WaifuLab.Conditional;

/// <summary>
/// AC-GAN discriminator (Odena et al., "Conditional Image Synthesis with Auxiliary Classifier GANs", 2017) on a DCGAN
/// trunk: the real/fake head does not see c; an attribute head predicts c from the image (one logit per condition
/// entry, read per block by <see cref="AuxiliaryLoss"/>). G is then rewarded for images whose attributes D recognises.
/// </summary>
public sealed class AuxiliaryClassifierDiscriminator : ConditionalDiscriminator
{
    private readonly Sequential trunk;
    private readonly Linear adversarial;
    private readonly Linear attributes;

    public AuxiliaryClassifierDiscriminator(ConditionalGanOptions options) : base(nameof(AuxiliaryClassifierDiscriminator), options)
    {
        trunk = DcganBlocks.Trunk(3, options.Ndf, options.Stages, out long features);
        adversarial = Linear(features * 16, 1);
        attributes = Linear(features * 16, options.ConditionSize);
        RegisterComponents();
    }

    public override ConditioningMode Mode => ConditioningMode.AuxiliaryClassifier;

    /// <summary>Width of the attribute head: one logit per condition entry.</summary>
    public int AttributeWidth => Options.ConditionSize;

    public override DiscriminatorOutput Judge(Tensor x, Tensor c)
    {
        CheckInputs(x, c);
        using var scope = NewDisposeScope();
        var h = trunk.forward(x).flatten(1);
        var logit = adversarial.call(h).squeeze(1);
        var attr = attributes.call(h);
        return new DiscriminatorOutput(logit.MoveToOuterDisposeScope(), attr.MoveToOuterDisposeScope());
    }

    /// <summary>The attribute head alone: (N,3,S,S) -> (N,C) logits.</summary>
    public Tensor PredictAttributes(Tensor x)
    {
        using var scope = NewDisposeScope();
        return attributes.call(trunk.forward(x).flatten(1)).MoveToOuterDisposeScope();
    }
}
