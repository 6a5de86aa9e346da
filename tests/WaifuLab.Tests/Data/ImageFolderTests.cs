using SkiaSharp;
using WaifuLab.Data;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Data;

public class ImageFolderTests
{
    static readonly ImageFolderOptions NoCache = new() { UseCache = false };

    [Fact]
    public void Loads_images_recursively_in_sorted_order_as_minus_one_to_one_tensors()
    {
        var folder = new TestFolder();
        folder.Solid("b.png", 8, SKColors.Red);
        folder.Solid("a.png", 8, new SKColor(0, 255, 0));
        folder.Solid("sub/c.PNG", 8, SKColors.Blue);
        folder.Text("notes.txt", "not an image");
        folder.Solid(".thumbnails/t.png", 8, SKColors.White); // hidden folders (caches, thumbnails) are not data
        folder.Solid(".hidden.png", 8, SKColors.White);

        using var result = ImageFolder.Load(folder.Root, 8, NoCache);
        Assert.Equal(["a.png", "b.png", "sub/c.PNG"], result.Files);
        Assert.Equal([3L, 3, 8, 8], result.Dataset.Images.shape);
        Assert.Equal(float32, result.Dataset.Images.dtype);
        Assert.Null(result.Dataset.Conditions);
        Assert.Null(result.Schema);
        Assert.Equal((3, 3, 0), (result.Report.Found, result.Report.Loaded, result.Report.SkippedCorrupt.Count));
        var images = result.Dataset.Images;
        // Same-size images are copied exactly: a.png green, b.png red, c blue.
        Assert.True(images[0, 1].eq(1).all().item<bool>() && images[0, 0].eq(-1).all().item<bool>());
        Assert.True(images[1, 0].eq(1).all().item<bool>() && images[1, 2].eq(-1).all().item<bool>());
        Assert.True(images[2, 2].eq(1).all().item<bool>());
    }

    [Fact]
    public void Same_size_pixels_are_exact_and_resizing_keeps_values_in_range()
    {
        var folder = new TestFolder();
        folder.Png("noise.png", 8, 8, (x, y) => new SKColor((byte)(x * 31), (byte)(y * 29), (byte)((x * y * 7) % 256)));
        using var exact = ImageFolder.Load(folder.Root, 8, NoCache);
        Assert.Equal(-1f + 2f * 31 * 3 / 255f, exact.Dataset.Images[0, 0, 5, 3].item<float>(), 5);
        Assert.Equal(-1f + 2f * 29 * 5 / 255f, exact.Dataset.Images[0, 1, 5, 3].item<float>(), 5);

        foreach (var size in new[] { 4, 5, 16 })
        {
            using var resized = ImageFolder.Load(folder.Root, size, NoCache);
            Assert.Equal([1L, 3, size, size], resized.Dataset.Images.shape);
            Assert.InRange(resized.Dataset.Images.min().item<float>(), -1f, 1f);
            Assert.InRange(resized.Dataset.Images.max().item<float>(), -1f, 1f);
        }
    }

    [Fact]
    public void Large_downscales_filter_fine_detail_instead_of_aliasing()
    {
        var folder = new TestFolder();
        // One-pixel black and white stripes: sampled naively they alias to solid black or white; filtered they are grey.
        folder.Png("stripes.png", 64, 64, (x, _) => x % 2 == 0 ? SKColors.Black : SKColors.White);
        // A big JPEG goes through the decoder's reduced-scale path.
        var jpeg = folder.PathOf("big.jpg");
        using (var bitmap = new SKBitmap(new SKImageInfo(256, 192, SKColorType.Rgba8888, SKAlphaType.Opaque)))
        {
            bitmap.Erase(new SKColor(200, 40, 120));
            using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
            File.WriteAllBytes(jpeg, data.ToArray());
        }
        using var result = ImageFolder.Load(folder.Root, 8, NoCache);
        Assert.Equal(["big.jpg", "stripes.png"], result.Files);
        Assert.InRange(result.Dataset.Images[1].abs().max().item<float>(), 0f, 0.1f);
        float[] expected = [200 / 127.5f - 1, 40 / 127.5f - 1, 120 / 127.5f - 1];
        for (int c = 0; c < 3; c++)
            Assert.InRange(result.Dataset.Images[0, c].mean().item<float>(), expected[c] - 0.05f, expected[c] + 0.05f);
    }

    [Fact]
    public void Non_square_images_are_center_cropped()
    {
        var folder = new TestFolder();
        // Wide: 2 blue columns each side of a red 8x8 square. Tall: green bands above and below a red 16x16 square.
        folder.Png("wide.png", 12, 8, (x, _) => x < 2 || x >= 10 ? SKColors.Blue : SKColors.Red);
        folder.Png("tall.png", 16, 32, (_, y) => y < 8 || y >= 24 ? new SKColor(0, 255, 0) : SKColors.Red);

        using var result = ImageFolder.Load(folder.Root, 8, NoCache);
        var images = result.Dataset.Images;
        Assert.Equal([2L, 3, 8, 8], images.shape);
        // Only red survives: red channel at 1, green and blue at -1 (within resampling rounding for the downscaled one).
        Assert.True(images[TensorIndex.Colon, 0].ge(0.99).all().item<bool>(), "red channel");
        Assert.True(images[TensorIndex.Colon, 1].le(-0.99).all().item<bool>(), "no green band left");
        Assert.True(images[TensorIndex.Colon, 2].le(-0.99).all().item<bool>(), "no blue column left");
    }

    [Fact]
    public void Corrupt_and_truncated_files_are_skipped_and_named()
    {
        var folder = new TestFolder();
        folder.Solid("a.png", 8, SKColors.Red);
        var good = folder.Solid("d.png", 8, SKColors.Blue);
        folder.Text("b.png", "this is not a png");
        var bytes = File.ReadAllBytes(folder.Png("c.png", 8, 8, (x, y) => new SKColor((byte)(x * 30), (byte)(y * 30), 7)));
        File.WriteAllBytes(folder.PathOf("c.png"), bytes[..(bytes.Length / 2)]);
        File.WriteAllBytes(folder.PathOf("e.jpg"), []);

        using var result = ImageFolder.Load(folder.Root, 8, NoCache);
        Assert.Equal(["a.png", "d.png"], result.Files);
        Assert.Equal(["b.png", "c.png", "e.jpg"], result.Report.SkippedCorrupt);
        Assert.Equal((5, 2), (result.Report.Found, result.Report.Loaded));
        Assert.Equal(2, result.Dataset.Count);
        Assert.True(result.Dataset.Images[1, 2].eq(1).all().item<bool>(), $"second image is {good}");
    }

    [Fact]
    public void Empty_missing_and_undecodable_folders_are_refused_clearly()
    {
        var empty = new TestFolder();
        empty.Text("readme.txt", "no images here");
        var e1 = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(empty.Root, 8, NoCache));
        Assert.Contains(empty.Root, e1.Message);
        Assert.Contains("no images found", e1.Message);

        var missing = Path.Combine(empty.Root, "nope");
        var e2 = Assert.Throws<DirectoryNotFoundException>(() => ImageFolder.Load(missing, 8, NoCache));
        Assert.Contains(missing, e2.Message);

        var junk = new TestFolder();
        junk.Text("x.png", "junk");
        junk.Text("y.jpg", "junk");
        var e3 = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(junk.Root, 8, NoCache));
        Assert.Contains("none of the 2 images", e3.Message);
        Assert.Contains(junk.Root, e3.Message);

        Assert.Throws<ArgumentOutOfRangeException>(() => ImageFolder.Load(junk.Root, 2, NoCache));
    }

    [Fact]
    public void Max_images_takes_the_first_in_sorted_order()
    {
        var folder = new TestFolder();
        for (int i = 0; i < 5; i++) folder.Solid($"f{i}.png", 4, new SKColor((byte)(i * 50), 0, 0));
        using var result = ImageFolder.Load(folder.Root, 4, NoCache with { MaxImages = 2 });
        Assert.Equal(["f0.png", "f1.png"], result.Files);
        Assert.Equal(5, result.Report.Found);
    }
}
