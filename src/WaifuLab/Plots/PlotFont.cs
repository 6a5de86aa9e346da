using SkiaSharp;

namespace WaifuLab.Plots;

/// <summary>
/// Finds a TrueType font for static charts. The Linux SkiaSharp natives we ship are built without fontconfig, so
/// fonts cannot be found by family name there and ScottPlot would silently draw no text at all: we load a font file.
/// </summary>
public static class PlotFont
{
    /// <summary>Environment variable naming a .ttf/.otf file to use instead of the search.</summary>
    public const string EnvironmentVariable = "WAIFULAB_FONT";

    static readonly string[] Candidates =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
        "/System/Library/Fonts/Supplemental/Arial.ttf",
        "/Library/Fonts/Arial.ttf",
        @"C:\Windows\Fonts\arial.ttf",
        @"C:\Windows\Fonts\segoeui.ttf",
    ];

    static readonly string[] FontFolders = ["/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts"];

    /// <summary>
    /// The font file to draw with: <paramref name="explicitFile"/>, else $WAIFULAB_FONT, else a common sans-serif,
    /// else the first .ttf under the usual font folders.
    /// </summary>
    /// <exception cref="FileNotFoundException">A named file is missing, or no font was found at all.</exception>
    /// <exception cref="InvalidDataException">The file is not a font Skia can read.</exception>
    public static string Resolve(string? explicitFile = null)
    {
        var named = explicitFile ?? Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(named))
        {
            if (!File.Exists(named))
                throw new FileNotFoundException($"font file not found: {named}" + (explicitFile is null ? $" (from ${EnvironmentVariable})" : ""), named);
            using var typeface = SKTypeface.FromFile(named);
            if (typeface is null || typeface.GlyphCount == 0)
                throw new InvalidDataException($"not a TrueType/OpenType font Skia can read: {named}");
            return named;
        }
        foreach (var path in Candidates)
            if (File.Exists(path)) return path;
        foreach (var folder in FontFolders)
        {
            var dir = folder.StartsWith('~') ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), folder[2..]) : folder;
            if (!Directory.Exists(dir)) continue;
            var found = Directory.EnumerateFiles(dir, "*.ttf", SearchOption.AllDirectories).Order(StringComparer.Ordinal).FirstOrDefault();
            if (found is not null) return found;
        }
        throw new FileNotFoundException(
            $"no TrueType font found for chart text; install one (Debian: apt-get install fonts-dejavu-core) or set ${EnvironmentVariable} to a .ttf file");
    }
}
