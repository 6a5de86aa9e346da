using SkiaSharp;
using WaifuLab.Imaging;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Imaging;

public class ImagingTests
{
    [Fact]
    public void Eight_bit_pixels_round_trip_exactly_through_tensor_and_png()
    {
        var rng = new Random(1);
        var pixels = new byte[5 * 7 * 3];
        rng.NextBytes(pixels);
        using var original = new SKBitmap(new SKImageInfo(7, 5, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 7; x++)
            {
                int i = (y * 7 + x) * 3;
                original.SetPixel(x, y, new SKColor(pixels[i], pixels[i + 1], pixels[i + 2]));
            }

        using var t = TensorImage.FromBitmap(original);
        Assert.Equal([3L, 5, 7], t.shape);
        Assert.InRange(t.min().item<float>(), -1f, 1f);
        Assert.InRange(t.max().item<float>(), -1f, 1f);

        var path = Path.Combine(Directory.CreateTempSubdirectory("waifulab-img").FullName, "x.png");
        TensorImage.ToPng(t).Save(path);
        using var back = TensorImage.Load(path);
        Assert.True(back.eq(t).all().item<bool>(), "tensor -> PNG -> tensor must be exact for 8-bit content");
        using var decoded = SKBitmap.Decode(path);
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 7; x++)
                Assert.Equal(original.GetPixel(x, y), decoded.GetPixel(x, y));
    }

    [Fact]
    public void Grid_tiles_images_in_rows_with_padding()
    {
        // Four 2x3 images of constant value k/4, in a 3-column grid with 1 px padding of value -1.
        using var batch = stack(Enumerable.Range(0, 4).Select(k => full([3, 2, 3], k / 4f)).ToArray());
        using var grid = ImageGrid.Make(batch, columns: 3, padding: 1, padValue: -1f);
        Assert.Equal([3L, 1 + 2 * (2 + 1), 1 + 3 * (3 + 1)], grid.shape);
        Assert.Equal(0f, grid[0, 1, 1].item<float>());       // image 0 at row 0, col 0
        Assert.Equal(0.5f, grid[0, 1, 1 + 2 * 4].item<float>()); // image 2 at row 0, col 2
        Assert.Equal(0.75f, grid[0, 4, 1].item<float>());    // image 3 at row 1, col 0
        Assert.Equal(-1f, grid[0, 0, 0].item<float>());      // padding
        Assert.Equal(-1f, grid[0, 4, 5].item<float>());      // empty cell keeps the pad value

        var png = ImageGrid.ToPng(batch, columns: 3, padding: 1);
        Assert.Equal((13, 7), (png.Width, png.Height));
        Assert.Equal(0x89, png.Bytes[0]);
    }

    [Fact]
    public void Bad_shapes_and_missing_files_are_refused_clearly()
    {
        using var wrong = zeros(2, 4, 4);
        Assert.Contains("(3,H,W)", Assert.Throws<ArgumentException>(() => TensorImage.ToPng(wrong)).Message);
        Assert.Throws<ArgumentException>(() => ImageGrid.Make(zeros(0, 3, 4, 4)));
        Assert.Throws<FileNotFoundException>(() => TensorImage.Load("/nonexistent/face.png"));
        var junk = Path.Combine(Directory.CreateTempSubdirectory("waifulab-img").FullName, "junk.png");
        File.WriteAllText(junk, "not a png");
        Assert.Contains("not a readable image", Assert.Throws<InvalidDataException>(() => TensorImage.Load(junk)).Message);
    }
}
