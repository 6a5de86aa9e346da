using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace WaifuLab.Conditional;

/// <summary>
/// DCGAN generator conditioned on c: (z (N,nz), c (N,C)) -> images (N,3,S,S) in [-1,1]. c passes through a learned
/// linear embedding (so one-hot, multi-hot and continuous entries all work, and values in between interpolate) and
/// is concatenated with z before the first transposed convolution.
/// </summary>
public sealed class ConditionalGenerator : Module<Tensor, Tensor, Tensor>
{
    private readonly Linear embed;
    private readonly Sequential main;

    public ConditionalGenerator(ConditionalGanOptions options) : base(nameof(ConditionalGenerator))
    {
        Options = options.Validate();
        embed = Linear(options.ConditionSize, options.EmbedSize);
        main = DcganBlocks.Upsampler(options.Nz + options.EmbedSize, options.Ngf, options.Stages);
        RegisterComponents();
        DcganBlocks.Initialize(this);
    }

    public ConditionalGanOptions Options { get; }

    public override Tensor forward(Tensor z, Tensor c)
    {
        ConditionChecks.Check(c, Options.ConditionSize, z.shape[0]);
        if (z.dim() != 2 || z.shape[1] != Options.Nz)
            throw new ArgumentException($"z must have shape (N,{Options.Nz}), got ({string.Join(",", z.shape)})", nameof(z));
        using var e = embed.forward(c);
        using var h = cat([z, e], 1);
        using var h4 = h.view(h.shape[0], h.shape[1], 1, 1);
        return main.forward(h4);
    }
}
