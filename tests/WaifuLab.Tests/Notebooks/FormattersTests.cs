using WaifuLab.Imaging;
using WaifuLab.Notebooks;

namespace WaifuLab.Tests.Notebooks
{
    public class FormattersTests
    {
        [Fact]
        public void Formatters_register_with_the_interactive_kernel_when_present()
        {
            // The stand-in below has the kernel's type name and Register signature; the library finds it by name.
            Assert.True(Formatters.Register());
            var registered = Microsoft.DotNet.Interactive.Formatting.Formatter.Registered;
            var png = registered.Single(r => r.Type == typeof(PngImage));
            Assert.Equal("text/html", png.MimeType);
            using var writer = new StringWriter();
            png.Formatter(new PngImage([1, 2, 3], 1, 1), writer);
            Assert.Equal("<img src=\"data:image/png;base64,AQID\"/>", writer.ToString());
            Assert.Contains(registered, r => r.Type == typeof(Plotly.NET.GenericChart) && r.MimeType == "text/html");
            Assert.Contains(registered, r => r.Type == typeof(TorchSharp.torch.Tensor) && r.MimeType == "text/plain");
        }
    }
}

namespace Microsoft.DotNet.Interactive.Formatting
{
    /// <summary>A stand-in for .NET Interactive's Formatter (which cannot be installed here), same name and signature.</summary>
    public static class Formatter
    {
        public static readonly List<(Type Type, Action<object, TextWriter> Formatter, string MimeType)> Registered = [];

        public static void Register(Type type, Action<object, TextWriter> formatter, string mimeType = "text/plain", bool addToDefaults = false)
        {
            _ = addToDefaults;
            Registered.Add((type, formatter, mimeType));
        }
    }
}
