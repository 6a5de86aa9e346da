using SkiaSharp;

namespace WaifuLab.Data.Synthetic;

/// <summary>
/// Draws the attributes and the nuisance of face number <c>index</c> from its own <see cref="Random"/>, seeded from
/// (seed, index), so any face can be made alone, in any order, on any thread, and always comes out the same.
/// Attributes and nuisance use separate streams, so changing one distribution leaves the other untouched.
/// Frequencies: colours and styles uniform; glasses 30%; blush 40%; accessory none 50%, ribbon 25%, hat 25%;
/// mouth opening uniform in [0, 1] rounded to 3 decimals (what labels.csv holds).
/// </summary>
public sealed class FaceSampler(int seed)
{
    public const double GlassesRate = 0.30, BlushRate = 0.40, RibbonRate = 0.25, HatRate = 0.25;

    public int Seed { get; } = seed;

    public FaceAttributes Attributes(int index)
    {
        var rng = Stream(index, 0xA77);
        var hair = (HairColor)rng.Next(Enum.GetValues<HairColor>().Length);
        var eyes = (EyeColor)rng.Next(Enum.GetValues<EyeColor>().Length);
        var style = (HairStyle)rng.Next(Enum.GetValues<HairStyle>().Length);
        bool glasses = rng.NextDouble() < GlassesRate;
        bool blush = rng.NextDouble() < BlushRate;
        double a = rng.NextDouble();
        var accessory = a < RibbonRate ? FaceAccessory.Ribbon : a < RibbonRate + HatRate ? FaceAccessory.Hat : FaceAccessory.None;
        double mouth = Math.Round(rng.NextDouble(), 3);
        return new FaceAttributes(hair, eyes, style, glasses, blush, accessory, mouth);
    }

    /// <summary>
    /// The unlabelled variation of face <paramref name="index"/>. Accessory colours are picked to stand out from
    /// this face's hair (of two random candidates, the one farther from it), so a red ribbon on red hair stays visible.
    /// </summary>
    public FaceNuisance Nuisance(int index, HairColor hair)
    {
        var rng = Stream(index, 0x5EED);
        float U(float lo, float hi) => lo + (float)rng.NextDouble() * (hi - lo);
        T Pick<T>(IReadOnlyList<T> list) => list[rng.Next(list.Count)];

        var background = SKColor.FromHsv(U(0, 360), U(8, 35), U(82, 98));
        var hairColor = FacePalette.Hair[(int)hair];
        SKColor Contrasting(IReadOnlyList<SKColor> list)
        {
            var a = Pick(list);
            var b = Pick(list);
            return FacePalette.Distance(a, hairColor) >= FacePalette.Distance(b, hairColor) ? a : b;
        }
        return new FaceNuisance(
            OffsetX: U(-4, 4), OffsetY: U(-3, 4), Scale: U(0.92f, 1.05f), Rotation: U(-8, 8),
            Background: background, Clothing: Pick(FacePalette.Clothes), Accent: Contrasting(FacePalette.Accents),
            Frame: Pick(FacePalette.Frames), Skin: Pick(FacePalette.SkinTones),
            HairShade: U(0.92f, 1.06f), EyeShade: U(0.9f, 1.08f), AccessoryOnLeft: rng.Next(2) == 0,
            EyeSize: U(0.93f, 1.07f), Ahoge: rng.NextDouble() < 0.3);
    }

    /// <summary>A generator private to (seed, index, stream): a SplitMix64 hash of the three, so neighbouring indices are unrelated.</summary>
    private Random Stream(int index, ulong stream)
    {
        ulong z = ((ulong)(uint)Seed << 32 | (uint)index) ^ (stream * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return new Random((int)(z & 0x7FFFFFFF));
    }
}
