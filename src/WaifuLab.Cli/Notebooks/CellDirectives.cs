using System.Text.RegularExpressions;
using WaifuLab.Notebooks;

namespace WaifuLab.Cli.Notebooks;

/// <summary>
/// The .NET Interactive directives of a cell, which Roslyn does not know: <c>#r "nuget: ..."</c> for packages the
/// runner already carries, <c>#r</c> of the WaifuLab library, and the <c>#!csharp</c>/<c>#!markdown</c> magics.
/// Honoured lines become blank lines, so compiler and stack-trace line numbers still match the cell.
/// </summary>
public static partial class CellDirectives
{
    /// <summary>Packages loaded with the runner (WaifuLab's dependencies and their native parts), by NuGet id.</summary>
    public static readonly IReadOnlySet<string> CarriedPackages = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "TorchSharp", "TorchSharp-cpu", "TorchSharp-cuda-linux", "TorchSharp-cuda-windows",
        "libtorch-cpu", "libtorch-cpu-linux-x64", "libtorch-cpu-win-x64", "libtorch-cpu-osx-arm64",
        "SkiaSharp", "SkiaSharp.NativeAssets.Linux", "SkiaSharp.NativeAssets.Linux.NoDependencies",
        "Plotly.NET", "Plotly.NET.CSharp",
        "ScottPlot", // static PNG charts (Plots/HistoryPng)
        "TorchSharp.PyBridge", // PyTorch state_dicts (Interop/)
        // The kernel extension that renders charts in VS Code; the runner renders them itself.
        "Plotly.NET.Interactive",
        "FSharp.Core",
    };

    private static readonly HashSet<string> CSharpNames = new(StringComparer.OrdinalIgnoreCase) { "csharp", "c#" };

    /// <summary>The cell's code with directives honoured, or null when the cell is not C# code to run (a #!markdown cell).</summary>
    public static string? Process(NotebookCell cell)
    {
        var kernel = cell.KernelName;
        if (kernel is not null && !CSharpNames.Contains(kernel))
        {
            if (kernel.Equals("markdown", StringComparison.OrdinalIgnoreCase)) return null;
            throw new CellDirectiveException(1, $"#!{kernel} is not supported: WaifuLab's runner executes C# cells only " +
                "(the cell's kernel, in its metadata, is '" + kernel + "')");
        }
        var lines = cell.Source.Split('\n');
        bool sawCode = false;
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith("#!", StringComparison.Ordinal))
            {
                var magic = line[2..].Split(' ', 2)[0];
                if (CSharpNames.Contains(magic)) { lines[i] = ""; continue; }
                if (magic.Equals("markdown", StringComparison.OrdinalIgnoreCase) && !sawCode) return null;
                throw new CellDirectiveException(i + 1, IsLanguage(magic)
                    ? $"#!{magic} is not supported: WaifuLab's runner executes C# cells only"
                    : $"#!{magic} is not supported: WaifuLab's runner knows only #!csharp and #!markdown; remove the line");
            }
            if (NuGetReference().Match(line) is { Success: true } nuget)
            {
                var id = nuget.Groups["id"].Value.Trim();
                if (!CarriedPackages.Contains(id))
                    throw new CellDirectiveException(i + 1, $"package '{id}' is not available: the runner cannot restore NuGet packages " +
                        $"and carries only {string.Join(", ", CarriedPackages.Order())}. Add '{id}' to src/WaifuLab/WaifuLab.csproj " +
                        "(or use what WaifuLab already offers) and remove the #r line");
                lines[i] = "";
                continue;
            }
            if (PathReference().Match(line) is { Success: true } path && IsWaifuLab(path.Groups["path"].Value))
            {
                lines[i] = ""; // the runner has the library loaded already
                continue;
            }
            if (line.StartsWith("#i ", StringComparison.Ordinal) && line.Contains("nuget:", StringComparison.OrdinalIgnoreCase))
            {
                lines[i] = ""; // a package source: nothing to restore
                continue;
            }
            if (line.Length > 0 && !line.StartsWith("//", StringComparison.Ordinal)) sawCode = true;
        }
        return string.Join('\n', lines);
    }

    /// <summary>The library's DLL (any build folder) or its project, however the notebook spells the path.</summary>
    private static bool IsWaifuLab(string path)
    {
        var name = Path.GetFileName(path.Replace('\\', '/').TrimEnd('/'));
        return name.Equals("WaifuLab.dll", StringComparison.OrdinalIgnoreCase)
            || name.Equals("WaifuLab.csproj", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsLanguage(string magic) => magic.ToLowerInvariant() is
        "fsharp" or "f#" or "pwsh" or "powershell" or "javascript" or "js" or "html" or "sql" or "kql" or "mermaid"
        or "http" or "python" or "r" or "value" or "vbnet";

    // A trailing "// comment" is allowed, as in the kernel.
    [GeneratedRegex("""^#r\s+"nuget:\s*(?<id>[^,"]+)(,\s*(?<version>[^"]*))?"\s*(//.*)?$""", RegexOptions.IgnoreCase)]
    private static partial Regex NuGetReference();

    [GeneratedRegex("""^#r\s+"(?<path>[^"]+)"\s*(//.*)?$""")]
    private static partial Regex PathReference();
}
