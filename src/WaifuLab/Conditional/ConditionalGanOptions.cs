using WaifuLab.Data;

namespace WaifuLab.Conditional;

/// <summary>
/// Sizes of a conditional DCGAN and how D is conditioned (shapes only: loss weights belong to <see cref="WaifuLab.Training.ObjectiveOptions"/>). <see cref="ConditionSize"/> is the width of c (the dataset's
/// <see cref="LabelSchema.Width"/>); <see cref="Schema"/>, when given, tells the AC-GAN heads which entries are
/// categorical blocks (softmax) and which are continuous values; without it every entry is an independent value in [0,1].
/// </summary>
public sealed record ConditionalGanOptions
{
    /// <summary>Image side in pixels: a power of two, at least 8 (DCGAN stages halve or double it down to 4x4).</summary>
    public int ImageSize { get; init; } = 64;
    public int Nz { get; init; } = 100;
    public int Ngf { get; init; } = 64;
    public int Ndf { get; init; } = 64;
    public int ConditionSize { get; init; }
    /// <summary>Width of G's learned linear embedding of c, concatenated with z.</summary>
    public int EmbedSize { get; init; } = 50;
    /// <summary>Condition every BatchNorm of G on c as well (<see cref="ConditionalBatchNorm2d"/>), not only its input.</summary>
    public bool ConditionalBatchNorm { get; init; }
    public ConditioningMode Conditioning { get; init; } = ConditioningMode.Projection;
    public LabelSchema? Schema { get; init; }

    /// <summary>Options sized for a labelled dataset: condition width and schema taken from it.</summary>
    public static ConditionalGanOptions For(LabelSchema schema, int imageSize = 64) =>
        new() { ImageSize = imageSize, ConditionSize = schema.Width, Schema = schema };

    /// <summary>Number of stride-2 stages between 4x4 and the image size.</summary>
    internal int Stages => System.Numerics.BitOperations.Log2((uint)ImageSize) - 2;

    /// <summary>How c splits into attribute blocks, from <see cref="Schema"/> or one value per entry.</summary>
    public ConditionLayout Layout => Schema is null ? ConditionLayout.Independent(ConditionSize) : ConditionLayout.From(Schema);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first bad option.</summary>
    public ConditionalGanOptions Validate()
    {
        if (ImageSize < 8 || (ImageSize & (ImageSize - 1)) != 0)
            throw new ArgumentException($"ImageSize must be a power of two >= 8 (e.g. 32, 64, 128), got {ImageSize}");
        if (Nz < 1) throw new ArgumentException($"Nz must be >= 1, got {Nz}");
        if (Ngf < 1) throw new ArgumentException($"Ngf must be >= 1, got {Ngf}");
        if (Ndf < 1) throw new ArgumentException($"Ndf must be >= 1, got {Ndf}");
        if (ConditionSize < 1)
            throw new ArgumentException($"ConditionSize must be >= 1 (the width of the dataset's condition vectors), got {ConditionSize}; a dataset without labels needs the unconditional GAN");
        if (EmbedSize < 1) throw new ArgumentException($"EmbedSize must be >= 1, got {EmbedSize}");
        if (!Enum.IsDefined(Conditioning))
            throw new ArgumentException($"unknown Conditioning {Conditioning}; use one of {string.Join(", ", Enum.GetNames<ConditioningMode>())}");
        if (Schema is not null && Schema.Width != ConditionSize)
            throw new ArgumentException($"ConditionSize {ConditionSize} does not match the schema's width {Schema.Width} ({string.Join("; ", Schema.Attributes)})");
        return this;
    }
}
