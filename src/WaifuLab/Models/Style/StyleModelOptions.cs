namespace WaifuLab.Models.Style;

/// <summary>
/// The style generator's own shape (architecture "style"): the mapping network's depth, w's width, its learning-rate
/// multiplier and the decay of the tracked w average. Widths of the synthesis layers come from
/// <see cref="GanModelOptions.Ngf"/> (channels Ngf * min(8, S/r) at resolution r), D's from <see cref="GanModelOptions.Ndf"/>.
/// </summary>
public sealed record StyleModelOptions
{
    /// <summary>Fully connected layers z -> w (8 in StyleGAN2; fewer suffice for small data).</summary>
    public int MappingLayers { get; init; } = 4;
    /// <summary>Width of w (512 in StyleGAN2).</summary>
    public int WDim { get; init; } = 128;
    /// <summary>Learning-rate multiplier of the mapping network (0.01 in StyleGAN2).</summary>
    public double MappingLrMultiplier { get; init; } = 0.01;
    /// <summary>Decay of the tracked average w that truncation pulls towards (0.995 in StyleGAN2).</summary>
    public double WAvgBeta { get; init; } = 0.995;

    /// <summary>
    /// true: every resolution has a toRGB and their outputs are summed up the resolutions (StyleGAN2's "skip" generator);
    /// false: only the last resolution has one (stylegan2-ada's "orig"), so every colour in the image passes through the
    /// last toRGB, which the finest w modulates.
    /// </summary>
    public bool SkipToRgb { get; init; } = true;

    public StyleModelOptions Validate()
    {
        if (MappingLayers is < 1 or > 16) throw new ArgumentException($"mapping layers must be from 1 to 16, got {MappingLayers}", nameof(MappingLayers));
        if (WDim is < 1 or > 4096) throw new ArgumentException($"w width must be from 1 to 4096, got {WDim}", nameof(WDim));
        if (!(MappingLrMultiplier is > 0 and <= 1)) throw new ArgumentException($"mapping lr multiplier must be in (0, 1], got {MappingLrMultiplier}", nameof(MappingLrMultiplier));
        if (!(WAvgBeta is >= 0 and < 1)) throw new ArgumentException($"w average decay must be in [0, 1), got {WAvgBeta}", nameof(WAvgBeta));
        return this;
    }
}
