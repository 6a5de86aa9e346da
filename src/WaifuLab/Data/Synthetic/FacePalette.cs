using SkiaSharp;

namespace WaifuLab.Data.Synthetic;

/// <summary>
/// The colours of the synthetic faces. Each labelled hair and eye colour has one base entry (what a pixel test
/// compares against); shadows, highlights and outlines are derived from it so a colour reads the same at 32 px.
/// </summary>
public static class FacePalette
{
    /// <summary>Base hair colour per <see cref="HairColor"/>, in enum order.</summary>
    public static IReadOnlyList<SKColor> Hair { get; } =
    [
        new(232, 234, 242), // white / silver
        new(46, 42, 58),    // black (a little blue, as anime draws it)
        new(246, 212, 104), // blonde
        new(246, 150, 192), // pink
        new(72, 126, 226),  // blue
        new(206, 44, 52),   // red
        new(130, 82, 46),   // brown
        new(72, 176, 96),   // green
    ];

    /// <summary>Base iris colour per <see cref="EyeColor"/>, in enum order.</summary>
    public static IReadOnlyList<SKColor> Eyes { get; } =
    [
        new(46, 112, 232),  // blue
        new(214, 36, 48),   // red
        new(36, 164, 84),   // green
        new(142, 68, 206),  // purple
        new(136, 80, 40),   // brown
        new(232, 168, 24),  // gold
    ];

    /// <summary>Skin tones the nuisance sampler picks from (pale to warm).</summary>
    public static IReadOnlyList<SKColor> SkinTones { get; } =
    [
        new(255, 232, 216), new(255, 224, 204), new(252, 218, 196), new(246, 208, 184),
    ];

    /// <summary>Colours for ribbons, hats and hair ties.</summary>
    public static IReadOnlyList<SKColor> Accents { get; } =
    [
        new(224, 40, 70), new(250, 250, 250), new(255, 200, 40), new(90, 170, 240), new(150, 80, 200),
        new(40, 40, 60), new(250, 120, 170), new(230, 120, 40),
    ];

    /// <summary>Clothing colours (school uniforms, mostly).</summary>
    public static IReadOnlyList<SKColor> Clothes { get; } =
    [
        new(40, 50, 90), new(250, 250, 250), new(60, 60, 70), new(150, 40, 60), new(80, 120, 180),
        new(230, 200, 160), new(60, 110, 80),
    ];

    /// <summary>Glasses frames: dark, so glasses show as dark lines across the eyes.</summary>
    public static IReadOnlyList<SKColor> Frames { get; } =
    [
        new(30, 28, 36), new(90, 30, 40), new(30, 40, 90), new(70, 50, 40),
    ];

    public static SKColor Scale(SKColor c, float f) => new(
        (byte)Math.Clamp(c.Red * f, 0, 255), (byte)Math.Clamp(c.Green * f, 0, 255), (byte)Math.Clamp(c.Blue * f, 0, 255), c.Alpha);

    /// <summary>Mixes <paramref name="a"/> toward <paramref name="b"/> by <paramref name="t"/> (0 = a, 1 = b).</summary>
    public static SKColor Mix(SKColor a, SKColor b, float t) => new(
        (byte)Math.Round(a.Red + (b.Red - a.Red) * t), (byte)Math.Round(a.Green + (b.Green - a.Green) * t),
        (byte)Math.Round(a.Blue + (b.Blue - a.Blue) * t), (byte)Math.Round(a.Alpha + (b.Alpha - a.Alpha) * t));

    /// <summary>Squared RGB distance, for picking contrasting accessory colours and nearest-palette checks.</summary>
    public static int Distance(SKColor a, SKColor b)
    {
        int dr = a.Red - b.Red, dg = a.Green - b.Green, db = a.Blue - b.Blue;
        return dr * dr + dg * dg + db * db;
    }

    /// <summary>Index of the palette entry nearest to <paramref name="c"/>.</summary>
    public static int Nearest(IReadOnlyList<SKColor> palette, SKColor c)
    {
        int best = 0;
        for (int i = 1; i < palette.Count; i++)
            if (Distance(palette[i], c) < Distance(palette[best], c)) best = i;
        return best;
    }
}
