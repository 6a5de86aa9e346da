using System.Runtime.Loader;

namespace WaifuLab.Notebooks;

/// <summary>
/// Plotly.NET 6.0.0, the only version the registry serves, is built against FSharp.Core 10.1; .NET Interactive
/// 1.0.712001 has FSharp.Core 10.0.0.0 loaded in its default load context, which cannot hold a second version, so
/// the first chart failed with "Could not load file or assembly 'FSharp.Core, Version=10.1.0.0'". Plotly.NET.Interactive
/// 6.0.0 depends on the same FSharp.Core 10.1 and does not help. This binds such a request to the FSharp.Core already
/// loaded when the major versions match, as a binding redirect would (FSharp.Core keeps compatibility within a major
/// version). The real-kernel tests check that charts come out as the runner's do.
/// </summary>
public static class FSharpCoreRedirect
{
    private static int _installed;

    /// <summary>Installs the redirect once per process; it only answers requests the runtime could not satisfy.</summary>
    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1) return;
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            if (name.Name != "FSharp.Core") return null;
            var loaded = context.Assemblies.FirstOrDefault(a => a.GetName().Name == "FSharp.Core");
            return loaded?.GetName().Version?.Major == name.Version?.Major ? loaded : null;
        };
    }
}
