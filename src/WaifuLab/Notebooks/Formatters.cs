using System.Reflection;
using Plotly.NET;
using SkiaSharp;
using TorchSharp;
using WaifuLab.Imaging;

namespace WaifuLab.Notebooks;

/// <summary>
/// Registers WaifuLab's renderings with .NET Interactive's Formatter when that kernel is loaded (VS Code, Jupyter),
/// so a notebook shows the same outputs there as in the headless runner's: images as <c>image/png</c>, charts as
/// the runner's offline <c>text/html</c>, tensors as text. Also binds Plotly.NET's FSharp.Core to the kernel's
/// (<see cref="FSharpCoreRedirect"/>). Looked up by name: the library does not depend on the kernel.
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
            var formatter = AppDomain.CurrentDomain.GetAssemblies()
                .Select(a => a.GetType("Microsoft.DotNet.Interactive.Formatting.Formatter", throwOnError: false))
                .FirstOrDefault(t => t is not null);
            if (formatter is null) return false;
            FSharpCoreRedirect.Install();
            foreach (var type in new[] { typeof(PngImage), typeof(SKBitmap), typeof(SKImage) })
                Register(formatter, type, "image/png", (v, w) => w.Write(Renderer.Render(v)?["image/png"]));
            foreach (var type in new[] { typeof(GenericChart), typeof(TrainingView) })
                Register(formatter, type, "text/html", (v, w) => w.Write(Renderer.Render(v)?["text/html"]));
            Register(formatter, typeof(torch.Tensor), "text/plain", (v, w) => w.Write(MimeRenderer.Text(v)));
            _registered = true;
            return true;
        }
    }

    /// <summary>
    /// Formatter.Register(Type, Action&lt;object, TextWriter&gt;, string mimeType[, optional...]) and
    /// Formatter.SetPreferredMimeTypesFor(Type, string[]), so that a cell's last expression and <c>display(x)</c>
    /// both use this mime type (the kernel's C# default is text/html).
    /// </summary>
    private static void Register(Type formatter, Type type, string mimeType, Action<object, TextWriter> write)
    {
        var methods = formatter.GetMethods(BindingFlags.Public | BindingFlags.Static);
        var register = methods.First(m => m.Name == "Register" && m.GetParameters() is var ps && ps.Length >= 3
            && ps[0].ParameterType == typeof(Type) && ps[1].ParameterType == typeof(Action<object, TextWriter>)
            && ps[2].ParameterType == typeof(string) && ps.Skip(3).All(p => p.IsOptional));
        var args = register.GetParameters().Select(p => p.DefaultValue).ToArray();
        (args[0], args[1], args[2]) = (type, write, mimeType);
        register.Invoke(null, args);
        methods.First(m => m.Name == "SetPreferredMimeTypesFor" && m.GetParameters().Length == 2)
            .Invoke(null, [type, new[] { mimeType }]);
    }
}
