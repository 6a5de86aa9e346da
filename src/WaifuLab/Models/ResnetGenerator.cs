using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace WaifuLab.Models;

/// <summary>
/// Residual generator (architecture "resnet"; SNGAN / BigGAN style): z (N,nz) -> linear to a 4x4 map of
/// ngf * 2^(stages-1) channels, one up-sampling <see cref="ResidualUpBlock"/> per stage (halving the width down to ngf),
/// <see cref="GanModelOptions.ExtraBlocks"/> non-sampling residual blocks after each, then BN-ReLU-conv3x3 to RGB and tanh.
/// The widths match the DCGAN family's at the same ngf, so the two compare layer for layer. Conditional when built with
/// a condition size: every BatchNorm becomes a conditional BatchNorm of c (Miyato and Koyama 2018), the same blocks otherwise.
/// </summary>
public sealed class ResnetGenerator : Module<Tensor, Tensor?, Tensor>, IGanGenerator
{
    private readonly Linear input;
    private readonly ModuleList<ResidualUpBlock> blocks;
    private readonly BatchNorm2d outNorm;
    private readonly Conv2d toRgb;
    private readonly long topChannels;

    public ResnetGenerator(GanModelOptions options, int conditionSize = 0) : base(nameof(ResnetGenerator))
    {
        Options = options.Validate();
        ConditionSize = conditionSize >= 0 ? conditionSize : throw new ArgumentException($"condition size must be 0 (unconditional) or positive, got {conditionSize}", nameof(conditionSize));
        int stages = options.Stages;
        topChannels = (long)options.Ngf << (stages - 1);
        input = Linear(options.Nz, topChannels * 16);
        blocks = new ModuleList<ResidualUpBlock>();
        long channels = topChannels;
        for (int stage = 1; stage <= stages; stage++)
        {
            long next = (long)options.Ngf << Math.Max(0, stages - 1 - stage);
            blocks.Add(new ResidualUpBlock(channels, next, upsample: true, conditionSize));
            channels = next;
            for (int b = 0; b < options.ExtraBlocks; b++) blocks.Add(new ResidualUpBlock(channels, channels, upsample: false, conditionSize));
        }
        outNorm = BatchNorm2d(channels);
        toRgb = Conv2d(channels, 3, 3, stride: 1, padding: 1L, bias: false);
        RegisterComponents();
    }

    public GanModelOptions Options { get; }

    /// <summary>Width of c; 0 for the unconditional generator.</summary>
    public int ConditionSize { get; }

    public int Nz => Options.Nz;

    public Tensor Generate(Tensor z, Tensor? c) => forward(z, c);

    public override Tensor forward(Tensor z, Tensor? c)
    {
        if (z.dim() == 4 && z.shape[2] == 1 && z.shape[3] == 1) z = z.flatten(1);
        if (z.dim() != 2 || z.shape[1] != Options.Nz)
            throw new ArgumentException($"noise must have shape (N,{Options.Nz}), got ({string.Join(",", z.shape)})", nameof(z));
        if (ConditionSize == 0 && c is not null)
            throw new ArgumentException("this generator is unconditional: it takes no conditions (train a conditional run to sample by attribute)", nameof(c));
        if (ConditionSize > 0 && (c is null || c.dim() != 2 || c.shape[0] != z.shape[0] || c.shape[1] != ConditionSize))
            throw new ArgumentException($"this generator is conditional: give it conditions c of shape ({z.shape[0]},{ConditionSize})", nameof(c));
        using var scope = NewDisposeScope();
        var h = input.call(z).view(z.shape[0], topChannels, 4, 4);
        foreach (var block in blocks) h = block.call(h, c);
        h = functional.relu(outNorm.call(h));
        return tanh(toRgb.call(h)).MoveToOuterDisposeScope();
    }
}
