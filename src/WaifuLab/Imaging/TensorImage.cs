using SkiaSharp;
using TorchSharp;
using WaifuLab.Backend;
using static TorchSharp.torch;

namespace WaifuLab.Imaging;

/// <summary>
/// Conversions between image tensors and pixels. WaifuLab's convention: float32, RGB, channels first (3,H,W),
/// values in [-1, 1] (the range of the generator's tanh). 8-bit images round-trip exactly.
/// </summary>
public static class TensorImage
{
    /// <summary>(3,H,W) tensor in [-1,1] to 8-bit RGB pixels; values outside the range are clipped.</summary>
    public static SKBitmap ToBitmap(Tensor image)
    {
        if (image.dim() != 3 || image.shape[0] != 3)
            throw new ArgumentException($"expected an image tensor of shape (3,H,W), got ({string.Join(",", image.shape)})", nameof(image));
        int h = (int)image.shape[1], w = (int)image.shape[2];
        using var scope = NewDisposeScope();
        var hwc = image.detach().to(CPU).to(float32).add(1).mul(127.5).round().clamp(0, 255).to(uint8).permute(1, 2, 0);
        var rgb = hwc.contiguous().data<byte>().ToArray();
        var rgba = new byte[w * h * 4];
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgba[j] = rgb[i]; rgba[j + 1] = rgb[i + 1]; rgba[j + 2] = rgb[i + 2]; rgba[j + 3] = 255;
        }
        var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }

    /// <summary>8-bit pixels to a (3,H,W) float tensor in [-1,1]; alpha is dropped (composited on nothing).</summary>
    public static Tensor FromBitmap(SKBitmap bitmap)
    {
        TorchBackend.EnsureLoaded();
        using var rgba8 = bitmap.ColorType == SKColorType.Rgba8888 ? null : bitmap.Copy(SKColorType.Rgba8888);
        var src = rgba8 ?? bitmap;
        int w = src.Width, h = src.Height;
        var rgba = src.GetPixelSpan();
        var rgb = new byte[w * h * 3];
        for (int i = 0, j = 0; j < rgb.Length; i += 4, j += 3)
        {
            rgb[j] = rgba[i]; rgb[j + 1] = rgba[i + 1]; rgb[j + 2] = rgba[i + 2];
        }
        using var scope = NewDisposeScope();
        // Scalars held in variables: TorchSharp passes a scalar's handle to libtorch without keeping the object alive, so
        // an implicit temporary can be finalized by a GC on another thread mid-call ("Unknown scalar type"), which
        // happened to this method under Parallel.For in the test suite while other tests collected.
        using var half = 127.5.ToScalar();
        using var one = 1.ToScalar();
        var t = tensor(rgb, [h, w, 3]).permute(2, 0, 1).to(float32).div(half).sub(one).contiguous();
        return t.MoveToOuterDisposeScope();
    }

    public static PngImage EncodePng(SKBitmap bitmap)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return new PngImage(data.ToArray(), bitmap.Width, bitmap.Height);
    }

    /// <summary>(3,H,W) tensor in [-1,1] to a PNG.</summary>
    public static PngImage ToPng(Tensor image)
    {
        using var bitmap = ToBitmap(image);
        return EncodePng(bitmap);
    }

    /// <summary>Decodes a PNG/JPEG/WebP/BMP file to a (3,H,W) tensor in [-1,1].</summary>
    public static Tensor Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"image not found: {path}", path);
        using var bitmap = SKBitmap.Decode(path)
            ?? throw new InvalidDataException($"{path} is not a readable image (PNG, JPEG, WebP or BMP expected)");
        return FromBitmap(bitmap);
    }
}
