using SkiaSharp;

namespace WaifuLab.Data.Synthetic;

/// <summary>
/// Unlabelled variation of one face, so a GAN cannot win by memorising a template: where the head sits
/// (offset in units of 1/100 of the image, scale, rotation in degrees), background, clothes and accessory
/// colours, skin tone, small brightness jitter of hair and eyes (factors near 1), eye size (a factor near 1)
/// and a cowlick (ahoge) on top of the head.
/// </summary>
public sealed record FaceNuisance(
    float OffsetX,
    float OffsetY,
    float Scale,
    float Rotation,
    SKColor Background,
    SKColor Clothing,
    SKColor Accent,
    SKColor Frame,
    SKColor Skin,
    float HairShade,
    float EyeShade,
    bool AccessoryOnLeft,
    float EyeSize,
    bool Ahoge)
{
    /// <summary>A centred, upright head on a light background with no jitter: for tests and attribute charts.</summary>
    public static FaceNuisance Neutral { get; } = new(0, 0, 1, 0,
        new SKColor(236, 240, 248), new SKColor(60, 70, 110), new SKColor(220, 50, 70), new SKColor(40, 35, 45),
        FacePalette.SkinTones[0], 1, 1, false, 1, false);
}
