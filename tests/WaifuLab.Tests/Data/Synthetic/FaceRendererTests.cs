using SkiaSharp;
using WaifuLab.Data.Synthetic;

namespace WaifuLab.Tests.Data.Synthetic;

/// <summary>Pixels agree with labels: each attribute changes the picture where it should, at 64 px and upright.</summary>
public class FaceRendererTests
{
    private const int Size = 64;
    private static readonly FaceAttributes Plain = new(HairColor.Brown, EyeColor.Blue, HairStyle.Short, false, false, FaceAccessory.None, 0);

    private static SKColor[,] Pixels(FaceAttributes face, FaceNuisance? nuisance = null, int size = Size)
    {
        using var bitmap = FaceRenderer.Render(face, nuisance ?? FaceNuisance.Neutral, size);
        var pixels = new SKColor[size, size];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                pixels[x, y] = bitmap.GetPixel(x, y);
        return pixels;
    }

    /// <summary>Mean colour over a box given in the renderer's 100-unit layout.</summary>
    private static SKColor Mean(SKColor[,] p, float x0, float y0, float x1, float y1)
    {
        int size = p.GetLength(0);
        double r = 0, g = 0, b = 0;
        int n = 0;
        for (int y = (int)(y0 * size / 100); y < (int)Math.Ceiling(y1 * size / 100); y++)
            for (int x = (int)(x0 * size / 100); x < (int)Math.Ceiling(x1 * size / 100); x++)
            {
                r += p[x, y].Red; g += p[x, y].Green; b += p[x, y].Blue; n++;
            }
        return new SKColor((byte)(r / n), (byte)(g / n), (byte)(b / n));
    }

    private static int Changed(SKColor[,] a, SKColor[,] b, float x0 = 0, float y0 = 0, float x1 = 100, float y1 = 100, int threshold = 30)
    {
        int size = a.GetLength(0), n = 0;
        for (int y = (int)(y0 * size / 100); y < (int)(y1 * size / 100); y++)
            for (int x = (int)(x0 * size / 100); x < (int)(x1 * size / 100); x++)
                if (FacePalette.Distance(a[x, y], b[x, y]) > threshold * threshold) n++;
        return n;
    }

    private static double Luma(SKColor c) => 0.299 * c.Red + 0.587 * c.Green + 0.114 * c.Blue;

    [Fact]
    public void Hair_colour_shows_in_the_fringe_and_only_the_hair_changes()
    {
        foreach (var hair in Enum.GetValues<HairColor>())
        {
            var p = Pixels(Plain with { Hair = hair });
            var fringe = Mean(p, 42, 24, 48, 30);
            Assert.Equal(hair, (HairColor)FacePalette.Nearest(FacePalette.Hair, fringe));
        }
        var black = Pixels(Plain with { Hair = HairColor.Black });
        var pink = Pixels(Plain with { Hair = HairColor.Pink });
        Assert.True(Changed(black, pink) > Size * Size / 5, "recolouring the hair must change a large part of the image");
        // Eyes, nose, mouth and cheeks lie below the fringe and inside the side locks: untouched but for an
        // anti-aliased pixel of a strand tip at the box's corner.
        int inFace = Changed(black, pink, 34, 50, 66, 80);
        Assert.True(inFace <= 3, $"{inFace} pixels of the eye-to-mouth area changed with the hair colour");
    }

    [Fact]
    public void Hair_colour_matches_the_label_on_sampled_faces_with_their_nuisance()
    {
        var sampler = new FaceSampler(9);
        int checkedFaces = 0;
        for (int i = 0; checkedFaces < 40; i++)
        {
            var face = sampler.Attributes(i);
            if (face.Accessory != FaceAccessory.None) continue; // a hat or a bow may sit on the sampled spot
            var n = sampler.Nuisance(i, face.Hair);
            var p = Pixels(face, n);
            // The fringe spot (45, 27) of the upright layout, moved as the renderer moves the head.
            double rad = n.Rotation * Math.PI / 180, dx = 45 - 50, dy = 27 - 50;
            float x = (float)(50 + n.OffsetX + n.Scale * (dx * Math.Cos(rad) - dy * Math.Sin(rad)));
            float y = (float)(50 + n.OffsetY + n.Scale * (dx * Math.Sin(rad) + dy * Math.Cos(rad)));
            var mean = Mean(p, x - 2, y - 2, x + 2, y + 2);
            Assert.True(face.Hair == (HairColor)FacePalette.Nearest(FacePalette.Hair, mean), $"face {i}: labelled {face.Hair}, fringe colour {mean}");
            checkedFaces++;
        }
    }

    [Fact]
    public void Hair_colour_stays_recognisable_at_32_px()
    {
        foreach (var hair in Enum.GetValues<HairColor>())
        {
            var p = Pixels(Plain with { Hair = hair }, size: 32);
            Assert.Equal(hair, (HairColor)FacePalette.Nearest(FacePalette.Hair, Mean(p, 40, 24, 48, 30)));
        }
    }

    [Fact]
    public void Eye_colour_shows_in_the_iris()
    {
        foreach (var eyes in Enum.GetValues<EyeColor>())
        {
            var p = Pixels(Plain with { Eyes = eyes }, size: 128);
            // The iris beside the pupil, under the highlight, both eyes.
            var left = Mean(p, 33.5f, 57.5f, 34.5f, 59.5f);
            var right = Mean(p, 100 - 34.5f, 57.5f, 100 - 33.5f, 59.5f);
            Assert.Equal(eyes, (EyeColor)FacePalette.Nearest(FacePalette.Eyes, left));
            Assert.Equal(eyes, (EyeColor)FacePalette.Nearest(FacePalette.Eyes, right));
        }
    }

    [Fact]
    public void Glasses_draw_dark_frames_across_the_eye_line()
    {
        var without = Pixels(Plain);
        var with = Pixels(Plain with { Glasses = true });
        Assert.True(Changed(without, with) > 60);
        // The bridge between the eyes: skin without glasses, dark frame with them.
        Assert.True(Luma(Mean(without, 48, 52, 52, 55)) > 180);
        Assert.True(Luma(Mean(with, 48, 52, 52, 55)) < 150);
    }

    [Fact]
    public void Mouth_opening_grows_the_dark_mouth_area()
    {
        static int DarkMouth(SKColor[,] p)
        {
            int n = 0, size = p.GetLength(0);
            for (int y = size * 68 / 100; y < size * 82 / 100; y++)
                for (int x = size * 40 / 100; x < size * 60 / 100; x++)
                    if (p[x, y].Red > 110 && p[x, y].Green < 90) n++; // the dark red inside the mouth
            return n;
        }
        var areas = new[] { 0.0, 0.3, 0.6, 1.0 }.Select(m => DarkMouth(Pixels(Plain with { Mouth = m }))).ToList();
        Assert.True(areas[0] <= 1, $"a closed mouth shows no inside ({areas[0]} px)");
        for (int i = 1; i < areas.Count; i++)
            Assert.True(areas[i] > areas[i - 1], $"mouth areas must grow with opening: {string.Join(", ", areas)}");
        Assert.True(Changed(Pixels(Plain), Pixels(Plain with { Mouth = 1 }), 40, 68, 60, 82) > 15);
    }

    [Fact]
    public void Blush_reddens_the_cheeks()
    {
        static double Redness(SKColor c) => c.Red - (c.Green + c.Blue) / 2.0;
        var without = Pixels(Plain);
        var with = Pixels(Plain with { Blush = true });
        Assert.True(Redness(Mean(with, 29, 65, 38, 69)) > Redness(Mean(without, 29, 65, 38, 69)) + 25);
        Assert.True(Redness(Mean(with, 62, 65, 71, 69)) > Redness(Mean(without, 62, 65, 71, 69)) + 25);
    }

    [Fact]
    public void Styles_and_accessories_change_the_silhouette()
    {
        var plain = Pixels(Plain);
        // Long hair falls below the jaw at the sides; twin tails hang outside the head.
        Assert.True(Changed(plain, Pixels(Plain with { Style = HairStyle.Long }), 8, 75, 30, 100) > 20);
        Assert.True(Changed(plain, Pixels(Plain with { Style = HairStyle.TwinTails }), 0, 40, 15, 90) > 20);
        // A ribbon sits at one side of the top of the head; a hat covers the whole top.
        var ribbon = Changed(plain, Pixels(Plain with { Accessory = FaceAccessory.Ribbon }), 0, 0, 100, 40);
        var hat = Changed(plain, Pixels(Plain with { Accessory = FaceAccessory.Hat }), 0, 0, 100, 40);
        Assert.True(ribbon > 40, $"ribbon changed {ribbon} px");
        Assert.True(hat > ribbon, $"hat changed {hat} px, ribbon {ribbon}");
    }

    [Theory]
    [InlineData("glasses", 20)]
    [InlineData("blush", 6)]
    [InlineData("mouth", 4)]
    [InlineData("eyes", 8)]
    [InlineData("ribbon", 20)]
    [InlineData("hat", 40)]
    [InlineData("long", 20)]
    [InlineData("twintails", 20)]
    public void Every_attribute_changes_clearly_visible_pixels_at_32_px(string change, int atLeast)
    {
        var other = change switch
        {
            "glasses" => Plain with { Glasses = true },
            "blush" => Plain with { Blush = true },
            "mouth" => Plain with { Mouth = 1 },
            "eyes" => Plain with { Eyes = EyeColor.Red },
            "ribbon" => Plain with { Accessory = FaceAccessory.Ribbon },
            "hat" => Plain with { Accessory = FaceAccessory.Hat },
            "long" => Plain with { Style = HairStyle.Long },
            _ => Plain with { Style = HairStyle.TwinTails },
        };
        // Pixels that move by more than 40 of 255 per channel (RGB distance 70), not anti-aliasing noise.
        int changed = Changed(Pixels(Plain, size: 32), Pixels(other, size: 32), threshold: 70);
        Assert.True(changed >= atLeast, $"{change}: {changed} clearly changed pixels at 32 px");
    }

    [Fact]
    public void Nuisance_moves_the_head_but_not_the_labels()
    {
        var sampler = new FaceSampler(4);
        var a = Pixels(Plain, sampler.Nuisance(0, Plain.Hair));
        var b = Pixels(Plain, sampler.Nuisance(1, Plain.Hair));
        Assert.True(Changed(a, b) > Size * Size / 4);
    }
}
