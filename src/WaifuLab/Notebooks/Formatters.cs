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
            foreach (var type in new[] { typeof(PngImage), typeof(SKBitmap), typeof(SKImage), typeof(GenericChart), typeof(TrainingView) })
                Invoke(register, type, WriteHtml, "text/html");
            Invoke(register, typeof(torch.Tensor), (v, w) => w.Write(MimeRenderer.Text(v)), "text/plain");
            _registered = true;
            return true;
        }
    }

    /// <summary>
    /// Formatter.Register(Type, Action&lt;object, TextWriter&gt;, string mimeType[, optional...]) of
    /// Microsoft.DotNet.Interactive.Formatting; some versions add optional parameters after the mime type.
    /// </summary>
    private static MethodInfo? FindRegister() => AppDomain.CurrentDomain.GetAssemblies()
        .Select(a => a.GetType("Microsoft.DotNet.Interactive.Formatting.Formatter", throwOnError: false))
        .FirstOrDefault(t => t is not null)
        ?.GetMethods(BindingFlags.Public | BindingFlags.Static)
        .FirstOrDefault(m => m.Name == "Register" && m.GetParameters() is var ps && ps.Length >= 3
            && ps[0].ParameterType == typeof(Type) && ps[1].ParameterType == typeof(Action<object, TextWriter>)
            && ps[2].ParameterType == typeof(string) && ps.Skip(3).All(p => p.IsOptional));

    private static void Invoke(MethodInfo register, Type type, Action<object, TextWriter> formatter, string mimeType)
    {
        var args = register.GetParameters().Select(p => p.DefaultValue).ToArray();
        (args[0], args[1], args[2]) = (type, formatter, mimeType);
        register.Invoke(null, args);
    }

    /// <summary>The kernel wants one mime type per formatter, so images become an HTML &lt;img&gt; with a data URI.</summary>
    private static void WriteHtml(object value, TextWriter writer)
    {
        var bundle = Renderer.Render(value);
        if (bundle?["text/html"] is { } html) writer.Write(html);
        else if (bundle?["image/png"] is { } png) writer.Write($"<img src=\"data:image/png;base64,{png}\"/>");
        else writer.Write(System.Net.WebUtility.HtmlEncode(MimeRenderer.Text(value)));
    }
}
