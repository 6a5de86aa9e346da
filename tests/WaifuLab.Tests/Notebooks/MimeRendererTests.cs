using System.Text.RegularExpressions;
using SkiaSharp;
using TorchSharp;
using WaifuLab.Imaging;
using WaifuLab.Notebooks;
using WaifuLab.Plots;

namespace WaifuLab.Tests.Notebooks;

public class MimeRendererTests
{
    private static Plotly.NET.GenericChart Chart() => Charts.Lines("x", "y", [0.0, 1.0, 2.0], ("a", [1.0, 2.0, 0.5]));

    [Fact]
    public void Images_become_png()
    {
        using var batch = torch.zeros(2, 3, 8, 8);
        var png = ImageGrid.ToPng(batch, padding: 0);
        var bundle = new MimeRenderer().Render(png)!;
        Assert.Equal(png.Bytes, Convert.FromBase64String(bundle["image/png"]!));

        using var bitmap = new SKBitmap(4, 3);
        var fromSkia = Convert.FromBase64String(new MimeRenderer().Render(bitmap)!["image/png"]!);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], fromSkia[..4]);
    }

    [Fact]
    public void Inline_plotly_goes_into_the_first_chart_only()
    {
        var renderer = new MimeRenderer(PlotlyMode.Inline);
        var first = renderer.Render(Chart())!["text/html"]!;
        var second = renderer.Render(Chart())!["text/html"]!;
        var gz = PlotlyScript.GzipBase64.Value;
        Assert.Contains(gz, first);
        Assert.DoesNotContain(gz, second);
        Assert.Contains("newPlot", second);
        Assert.True(gz.Length < 2_000_000, $"compressed plotly.js is {gz.Length:N0} chars");
        // Charts have their own div ids, so two charts in one page do not collide.
        var ids = Regex.Matches(first + second, "<div id=\"(waifulab-chart-[0-9a-f]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, ids.Distinct().Count());
        // A fresh renderer (a new run) embeds it again.
        Assert.Contains(gz, new MimeRenderer(PlotlyMode.Inline).Render(Chart())!["text/html"]!);
    }

    [Fact]
    public void Cdn_plotly_is_referenced_once()
    {
        var renderer = new MimeRenderer(PlotlyMode.Cdn);
        var html = renderer.Render(Chart())!["text/html"]! + renderer.Render(Chart())!["text/html"]!;
        Assert.Single(Regex.Matches(html, Regex.Escape(PlotlyScript.CdnUrl)));
        // The layout template is stored once too: two charts weigh little more than one.
        Assert.Single(Regex.Matches(html, @"t\['[0-9a-f]+'\] = \{"));
        Assert.True(html.Length < 16_000, $"{html.Length:N0} chars");
    }

    [Fact]
    public void Chart_text_cannot_close_the_script_element()
    {
        var chart = Charts.Lines("</script><b>x</b>", "y", [0.0, 1.0], ("a", [1.0, 2.0]));
        var html = new MimeRenderer(PlotlyMode.Cdn).Render(chart)!["text/html"]!;
        Assert.Equal(2, Regex.Matches(html, "</script>").Count); // the loader's and the chart's own
        Assert.DoesNotContain("</script><b>", html);
        Assert.Contains("\\u003C/script\\u003E\\u003Cb\\u003Ex", html); // the title, escaped inside the JSON
    }

    [Fact]
    public void Tensors_and_values_become_text()
    {
        using var t = torch.arange(12, dtype: torch.float32).reshape(3, 4);
        var text = new MimeRenderer().Render(t)!["text/plain"]!;
        Assert.StartsWith("Tensor [3, 4] Float32 cpu", text);
        Assert.Contains("[0, 1, 2, 3, 4, 5, 6, 7, ... (12 values)]", text);
        using var scalar = torch.tensor(0.25f);
        Assert.Equal("0.25 (Tensor scalar Float32 cpu)", MimeRenderer.Describe(scalar));
        Assert.Equal("[1, 2, 3]", new MimeRenderer().Render(new List<int> { 1, 2, 3 })!["text/plain"]);
        Assert.Equal("0.5", new MimeRenderer().Render(0.5)!["text/plain"]);
        Assert.Null(new MimeRenderer().Render(null));
    }
}
