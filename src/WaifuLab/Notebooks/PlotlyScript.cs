using System.IO.Compression;
using Plotly.NET;

namespace WaifuLab.Notebooks;

/// <summary>plotly.js as Plotly.NET ships it (an embedded resource of Plotly.NET.dll), for offline charts.</summary>
public static class PlotlyScript
{
    public static string Version => Globals.PLOTLYJS_VERSION;

    public static string CdnUrl => $"https://cdn.plot.ly/plotly-{Version}.min.js";

    /// <summary>The minified script.</summary>
    public static string Read()
    {
        var assembly = typeof(GenericChart).Assembly;
        var suffix = $"plotly-{Version}.min.js";
        var name = assembly.GetManifestResourceNames().FirstOrDefault(n => n.EndsWith(suffix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"Plotly.NET {assembly.GetName().Version} carries no {suffix}; use --plotly cdn");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The script gzipped and base64-encoded: ~3.6 MB becomes ~1.4 MB in the notebook.</summary>
    public static readonly Lazy<string> GzipBase64 = new(() =>
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        using (var writer = new StreamWriter(gzip))
            writer.Write(Read());
        return Convert.ToBase64String(buffer.ToArray());
    });
}
