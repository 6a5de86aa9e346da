using TorchSharp.Modules;
using WaifuLab.Models;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace WaifuLab.Conditional;

/// <summary>
/// DCGAN generator conditioned on c: (z (N,nz), c (N,C)) -> images (N,3,S,S) in [-1,1]. c passes through a learned
/// linear embedding (so one-hot, multi-hot and continuous entries all work, and values in between interpolate) and
/// is concatenated with z before the first transposed convolution. With
/// <see cref="ConditionalGanOptions.ConditionalBatchNorm"/> every BatchNorm is also a <see cref="ConditionalBatchNorm2d"/>
/// of c, so each stage sees the condition.
/// </summary>
public sealed class ConditionalGenerator : Module<Tensor, Tensor, Tensor>, IGanGenerator
{
    private readonly Linear embed;
    // Exactly one of the two stacks exists: main (c at the input only) or the conditional-BatchNorm stages.
    private readonly Sequential? main;
    private readonly ModuleList<ConvTranspose2d>? convs;
    private readonly ModuleList<ConditionalBatchNorm2d>? norms;
    private readonly Sequential? toRgb;

    public ConditionalGenerator(ConditionalGanOptions options) : base(nameof(ConditionalGenerator))
    {
        Options = options.Validate();
        embed = Linear(options.ConditionSize, options.EmbedSize);
        int inChannels = options.Nz + options.EmbedSize;
        if (options.ConditionalBatchNorm)
        {
            // The same shapes as DcganBlocks.Upsampler, with each BatchNorm conditioned on c.
            int channels = options.Ngf << (options.Stages - 1);
            convs = new ModuleList<ConvTranspose2d>(ConvTranspose2d(inChannels, channels, 4, stride: 1, padding: 0L, bias: false));
            norms = new ModuleList<ConditionalBatchNorm2d>(new ConditionalBatchNorm2d(channels, options.ConditionSize));
            for (int i = 1; i < options.Stages; i++)
            {
                convs.Add(ConvTranspose2d(channels, channels / 2, 4, stride: 2, padding: 1L, bias: false));
                channels /= 2;
                norms.Add(new ConditionalBatchNorm2d(channels, options.ConditionSize));
            }
            toRgb = Sequential(ConvTranspose2d(channels, 3, 4, stride: 2, padding: 1L, bias: false), Tanh());
        }
        else
        {
            main = DcganBlocks.Upsampler(inChannels, options.Ngf, options.Stages);
        }
        RegisterComponents();
    }

    public ConditionalGanOptions Options { get; }

    public int Nz => Options.Nz;

    public Tensor Generate(Tensor z, Tensor? c) => forward(z, c ?? throw new ArgumentException(
        "this generator is conditional: give it conditions c (N,C) with the noise", nameof(c)));

    public override Tensor forward(Tensor z, Tensor c)
    {
        ConditionChecks.Check(c, Options.ConditionSize, z.shape[0]);
        if (z.dim() != 2 || z.shape[1] != Options.Nz)
            throw new ArgumentException($"z must have shape (N,{Options.Nz}), got ({string.Join(",", z.shape)})", nameof(z));
        using var scope = NewDisposeScope();
        var e = embed.forward(c);
        var h = cat([z, e], 1);
        h = h.view(h.shape[0], h.shape[1], 1, 1);
        if (main is not null) return main.forward(h).MoveToOuterDisposeScope();
        for (int i = 0; i < convs!.Count; i++)
            h = functional.relu(norms![i].forward(convs[i].forward(h), c));
        return toRgb!.forward(h).MoveToOuterDisposeScope();
    }
}
