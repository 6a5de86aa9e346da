using SkiaSharp;

namespace WaifuLab.Tests.Data;

/// <summary>A temporary folder of tiny images written with SkiaSharp, for the loader's tests.</summary>
internal sealed class TestFolder
{
    public TestFolder() => Root = Directory.CreateTempSubdirectory("waifulab-data").FullName;

    public string Root { get; }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>Writes a PNG whose pixel (x,y) is <paramref name="color"/>(x,y).</summary>
    public string Png(string relative, int width, int height, Func<int, int, SKColor> color)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bitmap.SetPixel(x, y, color(x, y));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    public string Solid(string relative, int size, SKColor color) => Png(relative, size, size, (_, _) => color);

    public string Text(string relative, string content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }
}
