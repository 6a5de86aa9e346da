namespace WaifuLab.Models;

/// <summary>
/// The shape of a G/D pair: the architecture (<see cref="ModelFactory.Architectures"/>), image size (32..256 px),
/// noise size, generator/discriminator widths, the number of extra stride-1 3x3 conv blocks per stage (0 is the classic
/// layout; 1+ is the "deeper" variant) and whether D's layers are spectrally normalised. Shapes only: loss weights
/// belong to the objective's options.
/// </summary>
public sealed record GanModelOptions(int ImageSize = 64, int Nz = 100, int Ngf = 64, int Ndf = 64, int ExtraBlocks = 0)
{
    /// <summary>Which family <see cref="ModelFactory"/> builds ("dcgan", "resnet"). For "resnet", <see cref="ExtraBlocks"/> counts non-sampling residual blocks per stage.</summary>
    public string Architecture { get; init; } = ModelFactory.Dcgan;

    /// <summary>Spectral normalisation of every conv and linear layer of D (Miyato et al. 2018), applied by <see cref="ModelFactory"/>.</summary>
    public bool SpectralNorm { get; init; }

    /// <summary>The style generator's mapping network and w (architecture "style" only).</summary>
    public Style.StyleModelOptions Style { get; init; } = new();

    public static IReadOnlyList<int> SupportedSizes { get; } = [32, 64, 128, 256];

    /// <summary>Number of 4/2/1 up/down-sampling stages between 4x4 and the image size (4 at 64 px).</summary>
    public int Stages => (int)Math.Log2(ImageSize / 4);

    /// <summary>Width multiplier of the 4x4 stage (8 at 64 px, as in the classic model): doubles with each extra stage.</summary>
    public int TopMultiplier => 1 << (Stages - 1);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad field; returns this for chaining.</summary>
    public GanModelOptions Validate()
    {
        if (!SupportedSizes.Contains(ImageSize))
            throw new ArgumentException($"image size {ImageSize} is not supported: use one of {string.Join(", ", SupportedSizes)}", nameof(ImageSize));
        if (Nz <= 0) throw new ArgumentException($"noise size nz must be positive, got {Nz}", nameof(Nz));
        if (Ngf <= 0) throw new ArgumentException($"generator width ngf must be positive, got {Ngf}", nameof(Ngf));
        if (Ndf <= 0) throw new ArgumentException($"discriminator width ndf must be positive, got {Ndf}", nameof(Ndf));
        if (!ModelFactory.Architectures.Contains(Architecture ?? ""))
            throw new ArgumentException($"unknown architecture '{Architecture}': use one of {string.Join(", ", ModelFactory.Architectures)}", nameof(Architecture));
        if (ExtraBlocks is < 0 or > 8) throw new ArgumentException($"extra blocks per stage must be between 0 and 8, got {ExtraBlocks}", nameof(ExtraBlocks));
        if (Architecture == ModelFactory.Style)
        {
            (Style ?? throw new ArgumentException("the style options must not be null", nameof(Style))).Validate();
            if (ExtraBlocks != 0) throw new ArgumentException("the style architecture has no extra blocks: use ExtraBlocks 0", nameof(ExtraBlocks));
            if (SpectralNorm) throw new ArgumentException("the style architecture's D uses equalized learning rate and R1, not spectral norm: leave SpectralNorm off", nameof(SpectralNorm));
        }
        return this;
    }
}
