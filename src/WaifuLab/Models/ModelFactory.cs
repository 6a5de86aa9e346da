using TorchSharp;
using WaifuLab.Conditional;
using WaifuLab.Data;
using WaifuLab.Models.Style;
using WaifuLab.Stabilizers;
using WaifuLab.Training;
using static TorchSharp.torch;

namespace WaifuLab.Models;

/// <summary>
/// Builds G and D by name: the architecture named in <see cref="GanModelOptions.Architecture"/>, unconditional or, with
/// <see cref="TrainOptions.Conditioning"/> set, its conditional variant from the same blocks (<see cref="DcganBlocks"/>);
/// one seeded init (<see cref="DcganInit"/>), then spectral norm on D when the model options ask for it. A new
/// architecture is one more case here and its own G and D files implementing <see cref="IGanGenerator"/> and
/// <see cref="IGanDiscriminator"/>; the objective and the trainer need no change.
/// </summary>
public static class ModelFactory
{
    public const string Dcgan = "dcgan";
    /// <summary>The smallest faithful StyleGAN2 (<see cref="StyleGenerator"/>, <see cref="StyleDiscriminator"/>).</summary>
    public const string Style = "style";
    /// <summary>Residual G and D with up/down-sampling blocks (<see cref="ResnetGenerator"/>, <see cref="ResnetDiscriminator"/>).</summary>
    public const string Resnet = "resnet";

    /// <summary>The architectures <see cref="Create"/> knows.</summary>
    public static IReadOnlyList<string> Architectures { get; } = [Dcgan, Style, Resnet];

    /// <summary>
    /// G and D for a run, initialised from <paramref name="init"/> (G first, then D), on <paramref name="device"/>. A
    /// conditional run needs the data's <paramref name="labels"/>.
    /// </summary>
    public static (nn.Module G, nn.Module D) Create(TrainOptions options, LabelSchema? labels, Generator init, Device device)
    {
        var g = CreateGenerator(options, labels);
        nn.Module d = options.Model.Architecture switch
        {
            Dcgan when options.Conditioning is null => new DcganDiscriminator(options.Model),
            Dcgan => ConditionalDiscriminator.Create(ConditionalOptions(options, labels)),
            Style when options.Conditioning is null => new StyleDiscriminator(options.Model),
            Resnet => new ResnetDiscriminator(options.Model, ResnetConditionSize(options, labels)),
            var other => throw UnknownArchitecture(other),
        };
        DcganInit.Apply(g, init);
        DcganInit.Apply(d, init);
        g.to(device);
        d.to(device);
        if (options.Model.SpectralNorm)
        {
            using var snGen = new Generator(unchecked((ulong)options.Seed * 31 + 7), CPU);
            SpectralNorm.Apply(d, snGen);
        }
        return (g, d);
    }

    /// <summary>A G of the run's architecture, not initialised (the EMA copies G's weights into one).</summary>
    public static nn.Module CreateGenerator(TrainOptions options, LabelSchema? labels) => options.Model.Architecture switch
    {
        Dcgan when options.Conditioning is null => new DcganGenerator(options.Model),
        Dcgan => new ConditionalGenerator(ConditionalOptions(options, labels)),
        Style when options.Conditioning is null => new StyleGenerator(options.Model),
        Style => throw new ArgumentException("the style architecture is unconditional: train it without --conditional"),
        Resnet => new ResnetGenerator(options.Model, ResnetConditionSize(options, labels)),
        var other => throw UnknownArchitecture(other),
    };

    /// <summary>The conditional models' shape: the run's sizes, conditioning and the labels' width.</summary>
    public static ConditionalGanOptions ConditionalOptions(TrainOptions options, LabelSchema? labels)
    {
        if (labels is null) throw new ArgumentException("a conditional model needs the dataset's label schema (ImageFolderResult.Schema)", nameof(labels));
        var m = options.Model;
        return new ConditionalGanOptions
        {
            ImageSize = m.ImageSize, Nz = m.Nz, Ngf = m.Ngf, Ndf = m.Ndf, ConditionSize = labels.Width, EmbedSize = options.EmbedSize,
            ConditionalBatchNorm = options.ConditionalBatchNorm, Conditioning = options.Conditioning!.Value, Schema = labels,
        }.Validate();
    }

    /// <summary>
    /// The resnet pair's condition width: 0 when unconditional, else the labels' width. Its conditional variant is
    /// conditional BatchNorm in G and projection in D (the SNGAN / BigGAN pair), so it takes projection conditioning only.
    /// </summary>
    static int ResnetConditionSize(TrainOptions options, LabelSchema? labels)
    {
        if (options.Conditioning is null) return 0;
        if (options.Conditioning != ConditioningMode.Projection)
            throw new ArgumentException($"the resnet architecture conditions D by projection only, not {options.Conditioning}: use --conditioning projection");
        if (labels is null) throw new ArgumentException("a conditional model needs the dataset's label schema (ImageFolderResult.Schema)", nameof(labels));
        return labels.Width;
    }

    static ArgumentException UnknownArchitecture(string name) =>
        new($"unknown architecture '{name}': use one of {string.Join(", ", Architectures)}");
}
