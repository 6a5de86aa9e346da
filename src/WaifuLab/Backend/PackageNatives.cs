using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TorchSharp;
using WaifuLab.Training;

namespace WaifuLab.Backend;

/// <summary>
/// TorchSharp's natives when TorchSharp.dll was loaded straight from the NuGet cache, as .NET Interactive
/// (VS Code, Jupyter) does for <c>#r "nuget: TorchSharp"</c>: no build output folder holds the natives there.
/// TorchSharp's own fallback would copy ~480 MB of natives into the NuGet cache and load the unpatched
/// libLibTorchSharp.so. Instead WaifuLab preloads libtorch from its package folder (read only) and loads a
/// private copy of libLibTorchSharp.so (2.4 MB) that it may patch: <c>~/.cache/waifulab/natives/&lt;hash&gt;/</c>
/// (<c>$XDG_CACHE_HOME</c> respected), named by the hash of the package's file so a new TorchSharp gets its own.
/// Once both are loaded, TorchSharp's regular load by name finds them by their sonames and its fallback never runs.
/// </summary>
public sealed record PackageNatives(string LibTorchSharp, string LibTorch)
{
    const string NativeName = "libLibTorchSharp.so";

    /// <summary>
    /// The package files for the loaded TorchSharp, when it sits in a NuGet package folder
    /// (<c>packages/torchsharp/VER/lib/TFM/TorchSharp.dll</c>) beside the libtorch CPU package it was built for; else null.
    /// </summary>
    public static PackageNatives? Locate() => Locate(typeof(torch).Assembly.Location, LibTorchVersion());

    internal static PackageNatives? Locate(string torchSharpDll, string? libTorchVersion)
    {
        if (libTorchVersion is null || string.IsNullOrEmpty(torchSharpDll)) return null;
        var home = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(torchSharpDll)!, "..", ".."));
        var packages = Path.GetFullPath(Path.Combine(home, "..", ".."));
        var rid = RuntimeInformation.RuntimeIdentifier;
        var libTorchSharp = Path.Combine(home, "runtimes", rid, "native", NativeName);
        var libTorch = Path.Combine(packages, $"libtorch-cpu-{rid}", libTorchVersion, "runtimes", rid, "native", "libtorch.so");
        return File.Exists(libTorchSharp) && File.Exists(libTorch) ? new PackageNatives(libTorchSharp, libTorch) : null;
    }

    /// <summary>
    /// libtorch's package version TorchSharp was built for ("2.10.0"), read from its private constant
    /// (reading a constant does not run torch's static constructor, which would load the natives).
    /// </summary>
    static string? LibTorchVersion()
    {
        var raw = typeof(torch).GetField("libtorchPackageVersion", BindingFlags.NonPublic | BindingFlags.Static)?.GetRawConstantValue() as string;
        if (raw is null) return null;
        var parts = raw.Split('.').ToList();
        while (parts.Count > 3 && parts[^1] == "0") parts.RemoveAt(parts.Count - 1); // NuGet folders drop a trailing .0
        return string.Join('.', parts);
    }

    /// <summary>The WaifuLab cache folder for private natives: <c>$XDG_CACHE_HOME/waifulab/natives</c>, else <c>~/.cache/waifulab/natives</c>.</summary>
    public static string DefaultCacheFolder()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = string.IsNullOrEmpty(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
            : xdg;
        return Path.Combine(root, "waifulab", "natives");
    }

    /// <summary>
    /// Copies the package's libLibTorchSharp.so to <c>cacheFolder/&lt;first 16 hex digits of its SHA-256&gt;/</c>
    /// unless that copy exists (written atomically, so parallel kernels never see half a file); returns its path.
    /// </summary>
    public string PrivateCopy(string cacheFolder)
    {
        string hash;
        using (var stream = File.OpenRead(LibTorchSharp)) hash = Convert.ToHexStringLower(SHA256.HashData(stream))[..16];
        var copy = Path.Combine(cacheFolder, hash, NativeName);
        if (!File.Exists(copy))
            AtomicFile.Write(copy, s => { using var source = File.OpenRead(LibTorchSharp); source.CopyTo(s); });
        return copy;
    }
}
