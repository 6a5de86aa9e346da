using WaifuLab.Models;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace WaifuLab.Conditional;

/// <summary>
/// A discriminator that judges (image, condition) pairs: forward(x (N,3,S,S), c (N,C)) -> real/fake logits (N).
/// <see cref="Judge"/> also returns the attribute predictions of an AC-GAN discriminator.
/// </summary>
public abstract class ConditionalDiscriminator : Module<Tensor, Tensor, Tensor>, IGanDiscriminator
{
    protected ConditionalDiscriminator(string name, ConditionalGanOptions options) : base(name)
    {
        Options = options.Validate();
    }

    public ConditionalGanOptions Options { get; }
    public abstract ConditioningMode Mode { get; }

    /// <summary>The logit and, for AC-GAN, the attribute logits of a batch.</summary>
    public abstract DiscriminatorOutput Judge(Tensor x, Tensor c);

    DiscriminatorOutput IGanDiscriminator.Judge(Tensor x, Tensor? c) => Judge(x, c ?? throw new ArgumentException(
        "this discriminator is conditional: give it the images' conditions c (N,C)", nameof(c)));

    public override Tensor forward(Tensor x, Tensor c)
    {
        var output = Judge(x, c);
        output.Attributes?.Dispose();
        return output.Logit;
    }

    protected void CheckInputs(Tensor x, Tensor c)
    {
        int s = Options.ImageSize;
        if (x.dim() != 4 || x.shape[1] != 3 || x.shape[2] != s || x.shape[3] != s)
            throw new ArgumentException($"images must have shape (N,3,{s},{s}), got ({string.Join(",", x.shape)})", nameof(x));
        ConditionChecks.Check(c, Options.ConditionSize, x.shape[0]);
    }

    /// <summary>The discriminator for <paramref name="mode"/>, sized by <paramref name="options"/> (its Conditioning is overridden).</summary>
    public static ConditionalDiscriminator Create(ConditioningMode mode, ConditionalGanOptions options)
    {
        var o = options with { Conditioning = mode };
        return mode switch
        {
            ConditioningMode.Projection or ConditioningMode.ProjectionClassifier => new ProjectionDiscriminator(o),
            ConditioningMode.AuxiliaryClassifier => new AuxiliaryClassifierDiscriminator(o),
            ConditioningMode.Concat => new ConcatDiscriminator(o),
            _ => throw new ArgumentException($"unknown conditioning mode {mode}; use one of {string.Join(", ", Enum.GetNames<ConditioningMode>())}", nameof(mode)),
        };
    }

    /// <summary>The discriminator for <paramref name="options"/>.Conditioning.</summary>
    public static ConditionalDiscriminator Create(ConditionalGanOptions options) => Create(options.Conditioning, options);
}
