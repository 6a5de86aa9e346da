using static TorchSharp.torch;

namespace WaifuLab.Imaging;

/// <summary>A batch of images tiled into one picture, like torchvision's make_grid / save_image.</summary>
public static class ImageGrid
{
    /// <summary>
    /// Tiles a (N,3,H,W) batch in [-1,1] into one (3,H',W') tensor: <paramref name="columns"/> images per row
    /// (default: a near-square grid), <paramref name="padding"/> pixels of <paramref name="padValue"/> around each.
    /// </summary>
    public static Tensor Make(Tensor batch, int? columns = null, int padding = 2, float padValue = 1f)
    {
        if (batch.dim() == 3) batch = batch.unsqueeze(0);
        if (batch.dim() != 4 || batch.shape[1] != 3)
            throw new ArgumentException($"expected a batch of shape (N,3,H,W), got ({string.Join(",", batch.shape)})", nameof(batch));
        int n = (int)batch.shape[0], h = (int)batch.shape[2], w = (int)batch.shape[3];
        if (n == 0) throw new ArgumentException("cannot make a grid of zero images", nameof(batch));
        int cols = Math.Min(n, columns ?? (int)Math.Ceiling(Math.Sqrt(n)));
        if (cols <= 0) throw new ArgumentOutOfRangeException(nameof(columns), columns, "columns must be positive");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, "padding must be 0 or more");
        int rows = (n + cols - 1) / cols;
        using var scope = NewDisposeScope();
        var src = batch.detach().to(CPU).to(float32);
        var grid = full([3, rows * (h + padding) + padding, cols * (w + padding) + padding], padValue);
        for (int k = 0; k < n; k++)
        {
            int y = padding + (k / cols) * (h + padding), x = padding + (k % cols) * (w + padding);
            grid[.., y..(y + h), x..(x + w)] = src[k];
        }
        return grid.MoveToOuterDisposeScope();
    }

    /// <summary>The grid of <paramref name="batch"/> as a PNG.</summary>
    public static PngImage ToPng(Tensor batch, int? columns = null, int padding = 2, float padValue = 1f)
    {
        using var grid = Make(batch, columns, padding, padValue);
        return TensorImage.ToPng(grid);
    }

    /// <summary>Writes the grid of <paramref name="batch"/> to <paramref name="path"/> as a PNG and returns it.</summary>
    public static PngImage Save(Tensor batch, string path, int? columns = null, int padding = 2, float padValue = 1f)
    {
        var png = ToPng(batch, columns, padding, padValue);
        png.Save(path);
        return png;
    }
}
