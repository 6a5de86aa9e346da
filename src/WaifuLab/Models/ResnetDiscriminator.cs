using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace WaifuLab.Models;

/// <summary>
/// Residual discriminator (architecture "resnet"; SNGAN / BigGAN style): one down-sampling <see cref="ResidualDownBlock"/>
/// per stage from the image to 4x4 (width ndf doubling to ndf * 2^(stages-1), as the DCGAN trunk),
/// <see cref="GanModelOptions.ExtraBlocks"/> non-sampling blocks after each, then ReLU, sum pooling and a linear logit.
/// Conditional when built with a condition size: the projection term &lt;V c, phi(x)&gt; of Miyato and Koyama (2018)
/// is added to the logit, on the same pooled features. Spectral norm comes from <see cref="ModelFactory"/>.
/// </summary>
public sealed class ResnetDiscriminator : Module<Tensor, Tensor?, Tensor>, IGanDiscriminator
{
    private readonly ModuleList<ResidualDownBlock> blocks;
    private readonly Linear psi;
    private readonly Linear? embed;

    public ResnetDiscriminator(GanModelOptions options, int conditionSize = 0) : base(nameof(ResnetDiscriminator))
    {
        Options = options.Validate();
        ConditionSize = conditionSize >= 0 ? conditionSize : throw new ArgumentException($"condition size must be 0 (unconditional) or positive, got {conditionSize}", nameof(conditionSize));
        blocks = new ModuleList<ResidualDownBlock>();
        long channels = options.Ndf;
        blocks.Add(new ResidualDownBlock(3, channels, downsample: true, first: true));
        AddExtra(options.ExtraBlocks, channels);
        for (int stage = 1; stage < options.Stages; stage++)
        {
            blocks.Add(new ResidualDownBlock(channels, channels * 2, downsample: true));
            channels *= 2;
            AddExtra(options.ExtraBlocks, channels);
        }
        FeatureChannels = channels;
        psi = Linear(channels, 1);
        if (conditionSize > 0) embed = Linear(conditionSize, channels, hasBias: false);
        RegisterComponents();
    }

    void AddExtra(int count, long channels)
    {
        for (int b = 0; b < count; b++) blocks.Add(new ResidualDownBlock(channels, channels, downsample: false));
    }

    public GanModelOptions Options { get; }

    /// <summary>Width of c; 0 for the unconditional discriminator.</summary>
    public int ConditionSize { get; }

    /// <summary>Channels of the pooled features phi(x).</summary>
    public long FeatureChannels { get; }

    public DiscriminatorOutput Judge(Tensor x, Tensor? c) => new(forward(x, c), null);

    public override Tensor forward(Tensor x, Tensor? c)
    {
        int s = Options.ImageSize;
        if (x.dim() != 4 || x.shape[1] != 3 || x.shape[2] != s || x.shape[3] != s)
            throw new ArgumentException($"images must have shape (N,3,{s},{s}), got ({string.Join(",", x.shape)})", nameof(x));
        if (ConditionSize == 0 && c is not null)
            throw new ArgumentException("this discriminator is unconditional: it takes no conditions", nameof(c));
        if (ConditionSize > 0 && (c is null || c.dim() != 2 || c.shape[0] != x.shape[0] || c.shape[1] != ConditionSize))
            throw new ArgumentException($"this discriminator is conditional: give it the images' conditions c of shape ({x.shape[0]},{ConditionSize})", nameof(c));
        using var scope = NewDisposeScope();
        var h = x;
        foreach (var block in blocks) h = block.call(h);
        // Sum pooling as in SNGAN / BigGAN: with spectral norm the logit's scale is bounded by the layers, not the pooling.
        var phi = functional.relu(h).sum([2, 3]);
        var logit = psi.call(phi).squeeze(1);
        if (embed is not null) logit = logit + (embed.call(c!) * phi).sum(1);
        return logit.MoveToOuterDisposeScope();
    }
}
