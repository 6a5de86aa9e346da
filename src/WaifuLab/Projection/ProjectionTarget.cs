using WaifuLab.Backend;
using WaifuLab.Data;
using WaifuLab.Imaging;
using static TorchSharp.torch;

namespace WaifuLab.Projection;

/// <summary>Images to project: loading a file at the generator's size, and checking a tensor before projection.</summary>
public static class ProjectionTarget
{
    /// <summary>
    /// Loads an image file as (3,size,size) in [-1,1]. With <paramref name="resize"/> it is center-cropped to a square
    /// and resized with the same filtering as the dataset loader (so a face is seen as G saw its training faces);
    /// without, an image of another size is refused.
    /// </summary>
    public static Tensor Load(string path, int size, bool resize = true)
    {
        TorchBackend.EnsureLoaded();
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "the image size must be positive");
        if (Directory.Exists(path)) throw new FileNotFoundException($"{path} is a folder; give the path of one image file (PNG, JPEG, WebP or BMP)", path);
        if (!File.Exists(path)) throw new FileNotFoundException($"image not found: {path}", path);
        if (!resize)
        {
            var image = TensorImage.Load(path);
            if (image.shape[1] != size || image.shape[2] != size)
            {
                var (h, w) = (image.shape[1], image.shape[2]);
                image.Dispose();
                throw new ArgumentException($"{path} is {w}x{h} px but the generator draws {size}x{size} images; load it with resizing (ProjectionTarget.Load(path, {size}), CLI --resize) to center-crop and resize it");
            }
            return image;
        }
        var planar = SquareImageDecoder.Decode(path, size)
            ?? throw new InvalidDataException($"{path} is not a readable image (PNG, JPEG, WebP or BMP expected; the file may be damaged or truncated)");
        using var bytes = tensor(planar, [3, size, size]);
        using var floats = bytes.to(float32);
        using var scaled = floats.div(127.5);
        return scaled.sub(1);
    }

    /// <summary>
    /// Checks an image tensor, (3,S,S) or (1,3,S,S) in [-1,1], against the generator's size and returns it as a
    /// (1,3,S,S) float32 CPU copy. Throws an <see cref="ArgumentException"/> saying what is wrong.
    /// </summary>
    public static Tensor Prepare(Tensor image, int size)
    {
        TorchBackend.EnsureLoaded();
        string shape = $"({string.Join(",", image.shape)})";
        if (image.dim() == 4 && image.shape[0] != 1)
            throw new ArgumentException($"project one image at a time: got a batch of {image.shape[0]} {shape}", nameof(image));
        if (image.dim() is not (3 or 4))
            throw new ArgumentException($"the target must be an image (3,H,W) or (1,3,H,W), got shape {shape}", nameof(image));
        long channels = image.shape[^3], h = image.shape[^2], w = image.shape[^1];
        if (channels != 3)
            throw new ArgumentException($"the target has {channels} channels {shape}; the generator draws RGB (3 channels): drop alpha or expand grey to RGB", nameof(image));
        if (h != size || w != size)
            throw new ArgumentException($"the target is {w}x{h} px but the generator draws {size}x{size} images; resize it first (ProjectionTarget.Load(path, {size}) center-crops and resizes a file)", nameof(image));
        using var scope = NewDisposeScope();
        var x = image.detach().to(float32).cpu().reshape(1, 3, size, size);
        if (!x.isfinite().all().item<bool>())
            throw new ArgumentException("the target holds NaN or infinite values", nameof(image));
        double min = x.min().item<float>(), max = x.max().item<float>();
        // A little slack for resampling overshoot; 0..1 or 0..255 images are the mistakes to catch.
        if (min < -1.05 || max > 1.05)
            throw new ArgumentException($"the target's values run from {min:0.###} to {max:0.###}; images must be in [-1,1] (as TensorImage.Load gives)", nameof(image));
        return x.clamp(-1, 1).MoveToOuterDisposeScope();
    }
}
