using System.Reflection;
using Plotly.NET;
using SkiaSharp;
using TorchSharp;
using WaifuLab.Imaging;

namespace WaifuLab.Notebooks;

/// <summary>
/// Registers WaifuLab's renderings with .NET Interactive's Formatter when that kernel is loaded (VS Code with the
/// Polyglot extension), so a notebook shows the same pictures there as in the headless runner's output.
/// Looked up by name: the library does not depend on the deprecated kernel.
/// </summary>
public static class Formatters
{
    private static readonly object Gate = new();
    private static bool _registered;
    private static readonly MimeRenderer Renderer = new(PlotlyMode.Inline);

    /// <summary>True when the kernel's Formatter was found and the formatters are registered; safe to call often.</summary>
    public static bool Register()
    {
        lock (Gate)
        {
            if (_registered) return true;
            var register = FindRegister();
            if (register is null) return false;
            foreach (var type in new[] { typeof(PngImage), typeof(SKBitmap), typeof(SKImage), typeof(GenericChart) })
                register.Invoke(null, [type, (Action<object, TextWriter>)WriteHtml, "text/html"]);
            register.Invoke(null, [typeof(torch.Tensor), (Action<object, TextWriter>)((v, w) => w.Write(MimeRenderer.Text(v))), "text/plain"]);
            _registered = true;
            return true;
        }
    }

    /// <summary>Formatter.Register(Type, Action&lt;object, TextWriter&gt;, string mimeType) of Microsoft.DotNet.Interactive.Formatting.</summary>
    private static MethodInfo? FindRegister() => AppDomain.CurrentDomain.GetAssemblies()
        .Select(a => a.GetType("Microsoft.DotNet.Interactive.Formatting.Formatter", throwOnError: false))
        .FirstOrDefault(t => t is not null)
        ?.GetMethod("Register", BindingFlags.Public | BindingFlags.Static, [typeof(Type), typeof(Action<object, TextWriter>), typeof(string)]);

    /// <summary>The kernel wants one mime type per formatter, so images become an HTML &lt;img&gt; with a data URI.</summary>
    private static void WriteHtml(object value, TextWriter writer)
    {
        var bundle = Renderer.Render(value);
        if (bundle?["text/html"] is { } html) writer.Write(html);
        else if (bundle?["image/png"] is { } png) writer.Write($"<img src=\"data:image/png;base64,{png}\"/>");
        else writer.Write(System.Net.WebUtility.HtmlEncode(MimeRenderer.Text(value)));
    }
}
