using WaifuLab.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace WaifuLab.Conditional;

/// <summary>
/// Projection discriminator (Miyato and Koyama, "cGANs with Projection Discriminator", 2018) on a DCGAN trunk:
/// phi(x) = global average of the last 4x4 features, logit = psi(phi) + &lt;V c, phi&gt;. The inner product makes D's
/// verdict depend on whether the image's features agree with c, which the paper shows trains better than concatenation.
/// V is a linear map rather than a lookup table so multi-hot and continuous conditions work too.
/// As <see cref="ConditioningMode.ProjectionClassifier"/> it also has an AC-GAN attribute head on the flattened 4x4 features
/// (not on the pooled phi: averaging away where a feature is cost the small eyes and mouth; measured at the cgan-quick preset,
/// eyes 52 % -> 77 %, mouth Spearman 0.87 -> 0.90, FID 16.7 -> 9.5).
/// </summary>
public sealed class ProjectionDiscriminator : ConditionalDiscriminator
{
    private readonly Sequential trunk;
    private readonly Linear psi;
    private readonly Linear embed;
    private readonly Linear? attributes;

    public ProjectionDiscriminator(ConditionalGanOptions options) : base(nameof(ProjectionDiscriminator), options)
    {
        trunk = DcganBlocks.Trunk(3, options.Ndf, options.Stages, out long features);
        psi = Linear(features, 1);
        embed = Linear(options.ConditionSize, features, hasBias: false);
        if (options.Conditioning == ConditioningMode.ProjectionClassifier) attributes = Linear(features * 16, options.ConditionSize);
        RegisterComponents();
    }

    public override ConditioningMode Mode => attributes is null ? ConditioningMode.Projection : ConditioningMode.ProjectionClassifier;

    public override DiscriminatorOutput Judge(Tensor x, Tensor c)
    {
        CheckInputs(x, c);
        using var scope = NewDisposeScope();
        // Average rather than the paper's sum pooling: the sum makes D's logit 16x more sensitive per Adam step and, without
        // the paper's spectral norm, D overpowered G on toy data (D(x) -> 1, colour ignored).
        var h = trunk.forward(x);
        var phi = h.mean([2, 3]);
        var logit = psi.call(phi).squeeze(1) + (embed.call(c) * phi).sum(1);
        var attr = attributes?.call(h.flatten(1));
        return new DiscriminatorOutput(logit.MoveToOuterDisposeScope(), attr?.MoveToOuterDisposeScope());
    }
}
