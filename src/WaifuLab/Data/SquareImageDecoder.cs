using SkiaSharp;

namespace WaifuLab.Data;

/// <summary>
/// Decodes one image file to <c>size x size</c> 8-bit planar RGB (CHW bytes, the tensor layout, so
/// loading needs no transpose): center-crops to a square, then resizes with
/// quality filtering. Large downscales halve with a 2x2 box first (as mipmaps would) so fine detail does not alias;
/// the last step is cubic. A square image already at the target size is copied exactly. Transparency is composited
/// onto white. Returns null for a file that does not decode completely (corrupt or truncated).
/// </summary>
internal static class SquareImageDecoder
{
    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".webp", ".bmp"];

    static readonly SKSamplingOptions Box = new(SKFilterMode.Linear, SKMipmapMode.None);
    static readonly SKSamplingOptions Down = new(SKCubicResampler.Mitchell);
    static readonly SKSamplingOptions Up = new(SKCubicResampler.CatmullRom);

    public static byte[]? Decode(string path, int size)
    {
        using var decoded = DecodeFull(path, size);
        if (decoded is null) return null;

        int w = decoded.Width, h = decoded.Height, side = Math.Min(w, h);
        var src = SKRect.Create((w - side) / 2, (h - side) / 2, side, side);
        using var image = SKImage.FromBitmap(decoded);
        SKBitmap? current = null;
        try
        {
            // Exact copy when no resampling is needed; otherwise halve while at least twice too big, then one cubic step.
            bool first = true;
            while (side >= 2 * size)
            {
                int half = side / 2;
                var next = Draw(current is null ? image : null, current, src, half, Box, first);
                current?.Dispose();
                current = next;
                src = SKRect.Create(0, 0, half, half);
                side = half;
                first = false;
            }
            var sampling = side == size ? SKSamplingOptions.Default : side > size ? Down : Up;
            using var final = Draw(current is null ? image : null, current, src, size, sampling, first);
            return ToPlanarRgb(final);
        }
        finally
        {
            current?.Dispose();
        }
    }

    /// <summary>Decodes the whole file, letting JPEG decode at a reduced scale when it stays at least twice the target.</summary>
    static SKBitmap? DecodeFull(string path, int size)
    {
        using var stream = File.OpenRead(path);
        using var codec = SKCodec.Create(stream);
        if (codec is null) return null;
        var dims = codec.Info.Size;
        int shortSide = Math.Min(dims.Width, dims.Height);
        if (shortSide <= 0) return null;
        if (shortSide >= 4 * size)
        {
            var scaled = codec.GetScaledDimensions(2f * size / shortSide);
            if (Math.Min(scaled.Width, scaled.Height) >= 2 * size) dims = scaled;
        }
        var bitmap = new SKBitmap(new SKImageInfo(dims.Width, dims.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        // SKBitmap.Decode accepts IncompleteInput (a truncated file, half grey): require a complete decode instead.
        if (codec.GetPixels(bitmap.Info, bitmap.GetPixels()) != SKCodecResult.Success)
        {
            bitmap.Dispose();
            return null;
        }
        return bitmap;
    }

    static SKBitmap Draw(SKImage? image, SKBitmap? bitmap, SKRect src, int side, SKSamplingOptions sampling, bool onWhite)
    {
        var target = new SKBitmap(new SKImageInfo(side, side, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(target);
        canvas.Clear(onWhite ? SKColors.White : SKColors.Transparent);
        using var source = image is null ? SKImage.FromBitmap(bitmap!) : null;
        canvas.DrawImage(image ?? source!, src, SKRect.Create(0, 0, side, side), sampling);
        canvas.Flush();
        return target;
    }

    static byte[] ToPlanarRgb(SKBitmap bitmap)
    {
        var rgba = bitmap.GetPixelSpan();
        int plane = bitmap.Width * bitmap.Height;
        var rgb = new byte[plane * 3];
        for (int i = 0; i < plane; i++)
        {
            rgb[i] = rgba[4 * i];
            rgb[plane + i] = rgba[4 * i + 1];
            rgb[2 * plane + i] = rgba[4 * i + 2];
        }
        return rgb;
    }
}
