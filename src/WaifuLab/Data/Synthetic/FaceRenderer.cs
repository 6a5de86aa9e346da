using SkiaSharp;

namespace WaifuLab.Data.Synthetic;

/// <summary>
/// Draws an anime-style head with SkiaSharp's anti-aliased vector paths, directly at the target size. All shapes
/// are laid out on a 100 x 100 unit canvas (the head centred, eyes on y = 55) and scaled to the image; the
/// nuisance moves, scales and turns the whole head. Layers back to front: background, hair behind the head and
/// tails, body and neck, face, blush, eyes, nose, mouth, fringe and side locks, eyebrows, glasses, accessory.
/// Stroke widths are chosen so every attribute still shows at 32 px.
/// </summary>
public static class FaceRenderer
{
    public const int MinSize = 32, MaxSize = 256;

    // Eye centres; the right eye is the left one mirrored about x = 50.
    private const float EyeX = 37.5f, EyeY = 56.5f, EyeScale = 1.3f, MouthY = 71f;

    private static SKPath P(string svg)
    {
        var path = SKPath.ParseSvgPathData(svg) ?? throw new InvalidOperationException($"bad path {svg}");
        // Skia computes bounds and convexity lazily; do it now, so shared paths are only ever read by the threads drawing them.
        _ = path.Bounds;
        _ = path.IsConvex;
        return path;
    }

    // Shapes that do not depend on the face (shared, only read while drawing).
    private static readonly SKPath BackShort = P("M50,11 C24,11 16,30 17,50 C17,60 19,68 22,73 L78,73 C81,68 83,60 83,50 C84,30 76,11 50,11 Z");
    private static readonly SKPath BackLong = P("M50,10 C21,10 14,30 14,52 C14,72 11,88 8,104 L92,104 C89,88 86,72 86,52 C86,30 79,10 50,10 Z");
    private static readonly SKPath TailLeft = P("M27,23 C12,19 3,34 4,52 C5,68 11,80 6,98 C18,92 22,78 20,62 C18,48 22,36 30,31 Z");
    private static readonly SKPath Body = P("M14,104 C16,92 30,87 40,86 L60,86 C70,87 84,92 86,104 Z");
    private static readonly SKPath Collar = P("M38,86 L50,100 L62,86 L58,86 L50,95 L42,86 Z");
    private static readonly SKPath Neck = P("M43,70 L43,89 Q50,93 57,89 L57,70 Z");
    private static readonly SKPath Face = P("M24,44 C24,61 30,70 39,77 Q50,84 61,77 C70,70 76,61 76,44 C76,20 24,20 24,44 Z");
    private static readonly SKPath Fringe = P(
        "M22,52 C17,26 33,12 50,12 C67,12 83,26 78,52 " +
        "Q74,44 71,40 Q71,46 69,48 Q66,39 61,33 Q60,41 56,46 Q54,37 50,31 Q47,39 44,46 Q41,38 38,33 Q34,41 31,48 Q29,45 29,40 Q26,44 22,52 Z");
    private static readonly SKPath LockShort = P("M25,36 C19,48 18,64 21,80 C25,70 28,58 32,46 Z");
    private static readonly SKPath LockLong = P("M25,36 C16,54 18,80 16,100 C20,96 23,92 24,84 C24,68 27,56 32,46 Z");
    private static readonly SKPath Strands = P("M38,33 Q39,26 42,20 M50,31 Q50,24 51,17 M61,33 Q61,26 58,20 M29,40 Q29,34 31,30 M71,40 Q71,34 69,30");
    private static readonly SKPath AhogePath = P("M49,14 C47,6 53,1 59,2 C54,4 52,8 53,14 Z");
    private static readonly SKPath HairShine = P("M30,27 Q50,16 70,27");
    private static readonly SKPath Sclera = P("M-6.5,-3 C-4,-7 4,-7.5 6.5,-4.5 L6,4.5 C3,7 -3,7 -6,4 Z");
    private static readonly SKPath UpperLid = P("M-8.5,-0.5 C-5.5,-8.5 4,-9.5 7.5,-4.5 L6.5,-3.2 C3,-7.2 -4,-6.8 -6.8,-2 Z");
    private static readonly SKPath LowerLid = P("M-4.5,5.6 Q0,7 4.5,5.2");
    private static readonly SKPath Brow = P("M-7,-12 Q-1,-15.5 6,-13.5");
    private static readonly SKPath Nose = P("M50.6,64.4 L49.4,66.4");
    private static readonly SKPath BowLoop = P("M0,0 C-5,-9 -14,-8 -13,0 C-12,7 -5,5 0,0 Z");
    private static readonly SKPath BowTail = P("M-1,1 L-6,11 L-2.5,10 L0,13 L1.5,2 Z");
    private static readonly SKPath HatCrown = P("M28,24 C27,1 73,1 72,24 Q50,29 28,24 Z");

    /// <summary>Renders one face as an opaque size x size bitmap.</summary>
    public static SKBitmap Render(FaceAttributes face, FaceNuisance nuisance, int size)
    {
        CheckSize(size);
        var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        Draw(canvas, face, nuisance, size);
        return bitmap;
    }

    /// <summary>Renders one face and encodes it as PNG bytes.</summary>
    public static byte[] RenderPng(FaceAttributes face, FaceNuisance nuisance, int size)
    {
        using var bitmap = Render(face, nuisance, size);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public static void CheckSize(int size)
    {
        if (size < MinSize || size > MaxSize)
            throw new ArgumentException($"image size {size} is not supported; choose a size from {MinSize} to {MaxSize} pixels (e.g. 64)", nameof(size));
    }

    /// <summary>Draws one face into the square (0,0)-(size,size) of <paramref name="canvas"/> (translate first to place it).</summary>
    public static void Draw(SKCanvas canvas, FaceAttributes face, FaceNuisance n, float size)
    {
        canvas.Save();
        canvas.ClipRect(new SKRect(0, 0, size, size));
        canvas.DrawColor(n.Background);
        canvas.Scale(size / 100f);
        canvas.Translate(50 + n.OffsetX, 50 + n.OffsetY);
        canvas.RotateDegrees(n.Rotation);
        canvas.Scale(n.Scale);
        canvas.Translate(-50, -50);

        var hair = FacePalette.Scale(FacePalette.Hair[(int)face.Hair], n.HairShade);
        var hairShadow = FacePalette.Mix(hair, new SKColor(40, 20, 60), 0.3f);
        var hairLine = FacePalette.Mix(hair, new SKColor(30, 15, 30), 0.55f);
        var hairShine = FacePalette.Mix(hair, SKColors.White, 0.55f);
        var skin = n.Skin;
        var skinShadow = FacePalette.Mix(skin, new SKColor(200, 110, 110), 0.3f);
        var skinLine = FacePalette.Mix(skin, new SKColor(120, 50, 40), 0.55f);

        using var fill = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
        using var line = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeCap = SKStrokeCap.Round, StrokeJoin = SKStrokeJoin.Round };
        void Fill(SKPath path, SKColor color) { fill.Color = color; canvas.DrawPath(path, fill); }
        void Stroke(SKPath path, SKColor color, float width) { line.Color = color; line.StrokeWidth = width; canvas.DrawPath(path, line); }
        void FillStroke(SKPath path, SKColor color, SKColor outline, float width) { Fill(path, color); Stroke(path, outline, width); }
        void Mirrored(Action draw)
        {
            draw();
            canvas.Save();
            canvas.Translate(100, 0);
            canvas.Scale(-1, 1);
            draw();
            canvas.Restore();
        }

        // Hair behind the head.
        if (face.Style == HairStyle.TwinTails)
            Mirrored(() => FillStroke(TailLeft, hairShadow, hairLine, 0.9f));
        FillStroke(face.Style == HairStyle.Long ? BackLong : BackShort, hairShadow, hairLine, 0.9f);

        // Body, neck, face.
        FillStroke(Body, n.Clothing, FacePalette.Mix(n.Clothing, SKColors.Black, 0.5f), 0.8f);
        Fill(Collar, FacePalette.Mix(n.Clothing, SKColors.White, 0.85f));
        FillStroke(Neck, skinShadow, skinLine, 0.7f);
        FillStroke(Face, skin, skinLine, 0.8f);
        if (face.Style == HairStyle.Long)
            Mirrored(() => FillStroke(LockLong, hair, hairLine, 0.8f));

        if (face.Blush) DrawBlush(canvas, fill, line);
        DrawEyes(canvas, fill, line, FacePalette.Scale(FacePalette.Eyes[(int)face.Eyes], n.EyeShade), EyeScale * n.EyeSize);
        Stroke(Nose, skinLine, 0.8f);
        DrawMouth(canvas, fill, line, face.Mouth, skinLine);

        // Hair over the face: side locks, fringe, the shine band on top.
        if (face.Style != HairStyle.Long)
            Mirrored(() => FillStroke(LockShort, hair, hairLine, 0.8f));
        // The fringe casts a shadow on the forehead, which is what makes it read as hair over the face.
        canvas.Save();
        canvas.ClipPath(Face, antialias: true);
        canvas.Translate(0, 2.2f);
        Fill(Fringe, skinShadow);
        canvas.Restore();
        // Front hair lit from above: lighter at the crown, the plain colour mid-way, shaded at the strand tips.
        using (var shade = SKShader.CreateLinearGradient(new SKPoint(0, 12), new SKPoint(0, 50),
                   [FacePalette.Mix(hair, SKColors.White, 0.12f), hair, hair, FacePalette.Mix(hair, hairShadow, 0.6f)],
                   [0f, 0.3f, 0.55f, 1f], SKShaderTileMode.Clamp))
        {
            fill.Shader = shade;
            canvas.DrawPath(Fringe, fill);
            fill.Shader = null;
        }
        Stroke(Fringe, hairLine, 0.9f);
        Stroke(Strands, hairLine.WithAlpha(150), 0.7f);
        if (n.Ahoge && face.Accessory != FaceAccessory.Hat)
            FillStroke(AhogePath, hair, hairLine, 0.8f);
        line.Color = hairShine.WithAlpha(200);
        line.StrokeWidth = 2.6f;
        canvas.DrawPath(HairShine, line);
        if (face.Style == HairStyle.TwinTails)
            Mirrored(() =>
            {
                fill.Color = n.Accent;
                canvas.DrawCircle(26, 28, 2.8f, fill);
                line.Color = FacePalette.Mix(n.Accent, SKColors.Black, 0.5f);
                line.StrokeWidth = 0.6f;
                canvas.DrawCircle(26, 28, 2.8f, line);
            });

        // Brows over the fringe, as anime draws them.
        Mirrored(() =>
        {
            canvas.Save();
            canvas.Translate(EyeX, EyeY + 2);
            Stroke(Brow, hairLine, 1.2f);
            canvas.Restore();
        });

        if (face.Glasses) DrawGlasses(canvas, fill, line, n.Frame);
        if (face.Accessory == FaceAccessory.Ribbon) DrawRibbon(canvas, fill, line, n.Accent, n.AccessoryOnLeft);
        if (face.Accessory == FaceAccessory.Hat) DrawHat(canvas, fill, line, n.Accent, n.Clothing);
        canvas.Restore();
    }

    private static void DrawEyes(SKCanvas canvas, SKPaint fill, SKPaint line, SKColor iris, float scale)
    {
        var lash = new SKColor(46, 26, 34);
        var irisDark = FacePalette.Mix(iris, SKColors.Black, 0.55f);
        var irisLight = FacePalette.Mix(iris, SKColors.White, 0.35f);
        for (int side = 0; side < 2; side++)
        {
            canvas.Save();
            if (side == 1) { canvas.Translate(100, 0); canvas.Scale(-1, 1); }
            canvas.Translate(EyeX, EyeY);
            canvas.Scale(scale);
            fill.Color = SKColors.White;
            canvas.DrawPath(Sclera, fill);
            canvas.Save();
            canvas.ClipPath(Sclera, antialias: true);
            // Iris: dark at the top under the lid, bright at the bottom; pupil; the lid's shadow.
            using (var shader = SKShader.CreateLinearGradient(new SKPoint(0, -6), new SKPoint(0, 7),
                       [irisDark, iris, irisLight], [0f, 0.5f, 1f], SKShaderTileMode.Clamp))
            {
                fill.Shader = shader;
                canvas.DrawOval(0.4f, 0.8f, 4.7f, 6.3f, fill);
                fill.Shader = null;
            }
            fill.Color = FacePalette.Mix(iris, SKColors.Black, 0.8f);
            canvas.DrawOval(0.4f, 0.8f, 2.2f, 3.2f, fill);
            line.Color = irisDark;
            line.StrokeWidth = 0.7f;
            canvas.DrawOval(0.4f, 0.8f, 4.7f, 6.3f, line);
            canvas.Restore();
            fill.Color = lash;
            canvas.DrawPath(UpperLid, fill);
            line.Color = lash.WithAlpha(200);
            line.StrokeWidth = 0.7f;
            canvas.DrawPath(LowerLid, line);
            canvas.Restore();
        }
        // Highlights unmirrored: the light comes from the same side for both eyes.
        fill.Color = SKColors.White;
        foreach (float x in new[] { EyeX, 100 - EyeX })
        {
            canvas.DrawCircle(x - 1.55f * scale, EyeY - 1.75f * scale, 1.7f * scale, fill);
            canvas.DrawCircle(x + 2f * scale, EyeY + 3.4f * scale, 0.8f * scale, fill);
        }
    }

    private static void DrawBlush(SKCanvas canvas, SKPaint fill, SKPaint line)
    {
        fill.Color = new SKColor(255, 92, 120, 180);
        line.Color = new SKColor(225, 70, 95, 200);
        line.StrokeWidth = 0.6f;
        foreach (float x in new[] { 33.5f, 66.5f })
        {
            canvas.DrawOval(x, 67f, 6.5f, 3.2f, fill);
            for (int k = -1; k <= 1; k++)
                canvas.DrawLine(x + k * 2.6f + 0.8f, 65.5f, x + k * 2.6f - 0.8f, 68.5f, line);
        }
    }

    /// <summary>The mouth: a small smile line when closed, an open shape (dark inside, pink tongue) whose depth grows with the opening.</summary>
    private static void DrawMouth(SKCanvas canvas, SKPaint fill, SKPaint line, double opening, SKColor skinLine)
    {
        float m = (float)Math.Clamp(opening, 0, 1);
        float half = 2.8f + 1.8f * m, depth = 0.6f + 7f * m;
        if (m < 0.08f)
        {
            using var smile = P(FormattableString.Invariant($"M{50 - half},{MouthY} Q50,{MouthY + 1.6f} {50 + half},{MouthY}"));
            line.Color = skinLine;
            line.StrokeWidth = 0.9f;
            canvas.DrawPath(smile, line);
            return;
        }
        float l = 50 - half, r = 50 + half, y = MouthY, d = MouthY + depth, c = MouthY + depth * 0.7f;
        using var mouth = P(FormattableString.Invariant(
            $"M{l},{y} Q50,{y + 0.8f} {r},{y} C{r},{c} {50 + half * 0.5f},{d} 50,{d} C{50 - half * 0.5f},{d} {l},{c} {l},{y} Z"));
        fill.Color = new SKColor(150, 36, 52);
        canvas.DrawPath(mouth, fill);
        canvas.Save();
        canvas.ClipPath(mouth, antialias: true);
        fill.Color = new SKColor(246, 120, 130);
        canvas.DrawOval(50, MouthY + depth, half * 0.75f, depth * 0.45f, fill);
        canvas.Restore();
        line.Color = skinLine;
        line.StrokeWidth = 0.8f;
        canvas.DrawPath(mouth, line);
    }

    private static void DrawGlasses(SKCanvas canvas, SKPaint fill, SKPaint line, SKColor frame)
    {
        line.Color = frame;
        line.StrokeWidth = 1.8f;
        fill.Color = new SKColor(255, 255, 255, 40);
        foreach (float x in new[] { EyeX, 100 - EyeX })
        {
            var rect = new SKRect(x - 11f, EyeY - 9f, x + 11f, EyeY + 9f);
            canvas.DrawRoundRect(rect, 4.5f, 4.5f, fill);
            canvas.DrawRoundRect(rect, 4.5f, 4.5f, line);
        }
        canvas.DrawLine(EyeX + 11f, EyeY - 3f, 100 - EyeX - 11f, EyeY - 3f, line);
    }

    private static void DrawRibbon(SKCanvas canvas, SKPaint fill, SKPaint line, SKColor color, bool onLeft)
    {
        canvas.Save();
        if (onLeft) { canvas.Translate(100, 0); canvas.Scale(-1, 1); }
        canvas.Translate(68, 19);
        canvas.RotateDegrees(20);
        canvas.Scale(1.3f);
        var dark = FacePalette.Mix(color, SKColors.Black, 0.45f);
        fill.Color = FacePalette.Mix(color, SKColors.Black, 0.15f);
        line.Color = dark;
        line.StrokeWidth = 0.9f;
        foreach (var path in new[] { BowTail })
        {
            canvas.DrawPath(path, fill);
            canvas.DrawPath(path, line);
            canvas.Save(); canvas.Scale(-1, 1); canvas.DrawPath(path, fill); canvas.DrawPath(path, line); canvas.Restore();
        }
        fill.Color = color;
        canvas.DrawPath(BowLoop, fill);
        canvas.DrawPath(BowLoop, line);
        canvas.Save(); canvas.Scale(-1, 1); canvas.DrawPath(BowLoop, fill); canvas.DrawPath(BowLoop, line); canvas.Restore();
        canvas.DrawCircle(0, 0, 2.6f, fill);
        canvas.DrawCircle(0, 0, 2.6f, line);
        canvas.Restore();
    }

    private static void DrawHat(SKCanvas canvas, SKPaint fill, SKPaint line, SKColor color, SKColor band)
    {
        var dark = FacePalette.Mix(color, SKColors.Black, 0.45f);
        line.Color = dark;
        line.StrokeWidth = 0.9f;
        fill.Color = FacePalette.Mix(color, SKColors.Black, 0.12f);
        canvas.DrawOval(50, 24, 37, 7.5f, fill);
        canvas.DrawOval(50, 24, 37, 7.5f, line);
        fill.Color = color;
        canvas.DrawPath(HatCrown, fill);
        canvas.DrawPath(HatCrown, line);
        fill.Color = FacePalette.Distance(band, color) > 4000 ? band : dark;
        canvas.Save();
        canvas.ClipPath(HatCrown, antialias: true);
        canvas.DrawRect(new SKRect(20, 17, 80, 23), fill);
        canvas.Restore();
    }
}
