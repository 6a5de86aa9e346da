using System.Collections;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Plotly.NET;
using SkiaSharp;
using TorchSharp;
using WaifuLab.Imaging;

namespace WaifuLab.Notebooks;

/// <summary>
/// Turns values into mime bundles: images as image/png, Plotly.NET charts as text/html, tensors and everything
/// else as text/plain. One renderer serves one notebook run: plotly.js goes into the first chart only, and later
/// charts use the global <c>Plotly</c> it defines, so a notebook with ten charts carries the script once.
/// </summary>
public sealed class MimeRenderer(PlotlyMode plotly = PlotlyMode.Inline)
{
    /// <summary>Values shown of a tensor or a sequence before "...".</summary>
    public const int PreviewCount = 8;

    private bool _plotlyEmitted;
    private readonly HashSet<string> _templatesEmitted = [];

    public PlotlyMode Plotly { get; } = plotly;

    /// <summary>The bundle for <paramref name="value"/>, or null for null (nothing to show).</summary>
    public MimeBundle? Render(object? value) => value switch
    {
        null => null,
        PngImage png => Png(png),
        SKBitmap bitmap => Png(TensorImage.EncodePng(bitmap)),
        SKImage image => Png(EncodeImage(image)),
        GenericChart chart => Chart(chart),
        TrainingView view => Training(view),
        DisplayHandle => null, // display(x) as a cell's last expression: x is already shown
        torch.Tensor tensor => new MimeBundle().Add("text/plain", Describe(tensor)),
        _ => new MimeBundle().Add("text/plain", Text(value)),
    };

    /// <summary>The plain-text form of a value: strings as they are, sequences as a short list, else ToString().</summary>
    public static string Text(object? value) => value switch
    {
        null => "null",
        string s => s,
        torch.Tensor t => Describe(t),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable e => Sequence(e),
        _ => value.ToString() ?? value.GetType().Name,
    };

    /// <summary>"Tensor [2, 3] Float32 cpu" and the first few values.</summary>
    public static string Describe(torch.Tensor t)
    {
        var head = $"Tensor [{string.Join(", ", t.shape)}] {t.dtype} {t.device}";
        if (t.IsInvalid) return head + " (disposed)";
        long n = t.numel();
        if (n == 0) return head;
        try
        {
            using var scope = torch.NewDisposeScope();
            var values = t.detach().flatten()[..(int)Math.Min(n, PreviewCount)].to(torch.float64).cpu().data<double>().ToArray();
            var shown = string.Join(", ", values.Select(v => v.ToString("G5", CultureInfo.InvariantCulture)));
            if (t.dim() == 0) return $"{shown} (Tensor scalar {t.dtype} {t.device})";
            return $"{head}\n[{shown}{(n > PreviewCount ? $", ... ({n:N0} values)" : "")}]";
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException or InvalidOperationException or System.Runtime.InteropServices.ExternalException)
        {
            return head; // complex and other dtypes that do not convert to double
        }
    }

    private static string Sequence(IEnumerable items)
    {
        var shown = new List<string>();
        int count = 0;
        foreach (var item in items)
        {
            if (count++ < PreviewCount) shown.Add(Text(item));
        }
        var more = count > PreviewCount ? $", ... ({count} items)" : "";
        return $"[{string.Join(", ", shown)}{more}]";
    }

    private static PngImage EncodeImage(SKImage image)
    {
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return new PngImage(data.ToArray(), image.Width, image.Height);
    }

    private static MimeBundle Png(PngImage png) => new MimeBundle()
        .Add("image/png", png.ToBase64())
        .Add("text/plain", png.ToString())
        .WithMetadata("image/png", new JsonObject { ["width"] = png.Width, ["height"] = png.Height });

    private static MimeBundle Training(TrainingView view)
    {
        var html = new StringBuilder("<div class=\"waifulab-training\">\n<pre>");
        html.Append(System.Net.WebUtility.HtmlEncode(view.ToString())).Append("</pre>\n");
        foreach (var png in new[] { view.Chart, view.Grid })
            if (png is not null)
                html.Append(CultureInfo.InvariantCulture, $"<img src=\"data:image/png;base64,{png.ToBase64()}\" width=\"{png.Width}\" height=\"{png.Height}\" style=\"vertical-align:top;margin-right:8px\"/>");
        html.Append("\n</div>\n");
        return new MimeBundle().Add("text/html", html.ToString()).Add("text/plain", view.ToString());
    }

    private MimeBundle Chart(GenericChart chart)
    {
        var id = "waifulab-chart-" + Guid.NewGuid().ToString("N")[..12];
        var (figure, templateKey, template) = SplitTemplate(GenericChart.toFigureJson(chart));
        var (width, height) = Size(chart);
        var html = new StringBuilder();
        if (!_plotlyEmitted)
        {
            html.Append(PlotlyLoader());
            _plotlyEmitted = true;
        }
        html.Append(CultureInfo.InvariantCulture, $"<div id=\"{id}\" style=\"width:{width}px;height:{height}px;\"></div>\n");
        html.Append("<script type=\"text/javascript\">\n(function () {\n");
        html.Append("  var fig = ").Append(figure).Append(";\n");
        if (templateKey is not null)
        {
            // The layout template (~9 KB, the same for every chart) is stored once per notebook, like plotly.js.
            html.Append("  var t = window.waifulabTemplates = window.waifulabTemplates || {};\n");
            if (_templatesEmitted.Add(templateKey)) html.Append(CultureInfo.InvariantCulture, $"  t['{templateKey}'] = {template};\n");
            html.Append(CultureInfo.InvariantCulture, $"  if (t['{templateKey}']) fig.layout.template = t['{templateKey}'];\n");
        }
        html.Append(CultureInfo.InvariantCulture, $"  var el = document.getElementById('{id}');\n");
        html.Append("  var ready = window.waifulabPlotly || (window.Plotly ? Promise.resolve(window.Plotly) : Promise.reject(new Error('plotly.js is not loaded: run the notebook again, or trust it')));\n");
        html.Append("  ready.then(function (P) { P.newPlot(el, fig.data, fig.layout, {responsive: true}); })\n");
        html.Append("       .catch(function (e) { el.textContent = 'chart not rendered: ' + e.message; });\n");
        html.Append("})();\n</script>\n");
        int traces = GenericChart.countTrace(chart);
        return new MimeBundle()
            .Add("text/html", html.ToString())
            .Add("text/plain", $"Plotly chart ({traces} trace{(traces == 1 ? "" : "s")})");
    }

    /// <summary>
    /// The figure without its layout template, and the template with a key derived from its content; both safe
    /// to put inside a script element ("&lt;/" inside a JSON string, as in a title "&lt;/script&gt;", would end it early).
    /// </summary>
    private static (string Figure, string? Key, string? Template) SplitTemplate(string figureJson)
    {
        static string Safe(string json) => json.Replace("</", "<\\/", StringComparison.Ordinal);
        if (JsonNode.Parse(figureJson) is not JsonObject fig || fig["layout"] is not JsonObject layout
            || layout["template"] is not JsonObject template)
            return (Safe(figureJson), null, null);
        layout.Remove("template");
        var text = template.ToJsonString();
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();
        return (Safe(fig.ToJsonString()), key, Safe(text));
    }

    private static (int Width, int Height) Size(GenericChart chart)
    {
        var (w, h) = GenericChart.tryGetLayoutSize(chart);
        // Plotly's own default size when the chart sets none.
        return (w is null ? 700 : w.Value, h is null ? 450 : h.Value);
    }

    /// <summary>
    /// Defines <c>window.waifulabPlotly</c>, a promise of the Plotly object. plotly.js's UMD wrapper would register
    /// itself with RequireJS where a page has it (classic Jupyter), so <c>define</c> is hidden while it loads.
    /// </summary>
    private string PlotlyLoader()
    {
        var js = new StringBuilder("<script type=\"text/javascript\">\nif (!window.waifulabPlotly) {\n");
        if (Plotly == PlotlyMode.Inline)
        {
            js.Append("  window.waifulabPlotly = window.Plotly ? Promise.resolve(window.Plotly) : (async function () {\n");
            js.Append("    var gz = \"").Append(PlotlyScript.GzipBase64.Value).Append("\";\n");
            js.Append("    var bytes = Uint8Array.from(atob(gz), function (c) { return c.charCodeAt(0); });\n");
            js.Append("    var src = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();\n");
            js.Append("    var d = window.define; window.define = undefined;\n");
            js.Append("    try { (0, eval)(src); } finally { window.define = d; }\n");
            js.Append("    return window.Plotly;\n  })();\n");
        }
        else
        {
            js.Append("  window.waifulabPlotly = window.Plotly ? Promise.resolve(window.Plotly) : new Promise(function (ok, fail) {\n");
            js.Append("    var d = window.define; window.define = undefined;\n");
            js.Append("    var s = document.createElement('script');\n");
            js.Append("    s.src = '").Append(PlotlyScript.CdnUrl).Append("';\n");
            js.Append("    s.onload = function () { window.define = d; ok(window.Plotly); };\n");
            js.Append("    s.onerror = function () { window.define = d; fail(new Error('cannot load ' + s.src)); };\n");
            js.Append("    document.head.appendChild(s);\n  });\n");
        }
        js.Append("}\n</script>\n");
        return js.ToString();
    }
}
