using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace WaifuLab.Cli.Notebooks;

/// <summary>The Roslyn script options of a notebook: the references and imports a cell sees.</summary>
public static class ScriptSetup
{
    /// <summary>
    /// Namespaces every cell sees: exactly those of .NET Interactive's C# kernel (measured in 1.0.712001: no System.IO),
    /// so a notebook that runs here runs there; and WaifuLab's display() where the kernel has its own.
    /// </summary>
    public static readonly IReadOnlyList<string> Imports =
    [
        "System", "System.Linq", "System.Collections.Generic", "System.Threading.Tasks", "System.Text",
        "WaifuLab.Notebooks.Display",
    ];

    // Every assembly the runner was deployed with (the .NET framework, WaifuLab, TorchSharp, SkiaSharp,
    // Plotly.NET, FSharp.Core, ...): building the list reads metadata only, and is shared by all cells.
    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(() =>
        ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && IsManaged(p))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList());

    /// <summary>Options for one cell: <paramref name="cellPath"/> names it in compiler messages and stack traces.</summary>
    public static ScriptOptions For(string notebookFolder, string cellPath) => ScriptOptions.Default
        .WithReferences(References.Value)
        .WithImports(Imports)
        .WithLanguageVersion(LanguageVersion.Latest)
        .WithEmitDebugInformation(true) // line numbers in stack traces
        .WithFilePath(cellPath)
        .WithFileEncoding(System.Text.Encoding.UTF8)
        .WithAllowUnsafe(true)
        .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(notebookFolder))
        .WithSourceResolver(ScriptSourceResolver.Default.WithBaseDirectory(notebookFolder));

    private static bool IsManaged(string path)
    {
        try
        {
            AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
