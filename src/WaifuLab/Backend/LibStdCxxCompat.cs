namespace WaifuLab.Backend;

/// <summary>
/// Makes TorchSharp 0.107's libLibTorchSharp.so load on hosts whose libstdc++ is older than GCC 13 (Debian 12).
/// The library asks for GLIBCXX_3.4.32 only for <c>_ZSt21ios_base_library_initv</c>, a link-time marker that
/// GCC 13's &lt;iostream&gt; emits and nothing calls. Marking that one requirement weak lets ld.so accept the
/// host's libstdc++; libtorch itself needs no more than GLIBCXX_3.4.26. See environment.md.
/// </summary>
public static class LibStdCxxCompat
{
    public const string Version = "GLIBCXX_3.4.32";

    /// <summary>Symbols known to be harmless when unresolved: the only ones we accept behind a weakened version.</summary>
    public static readonly IReadOnlySet<string> HarmlessSymbols = new HashSet<string> { "_ZSt21ios_base_library_initv" };

    /// <summary>What <see cref="Apply"/> found or did; <c>Disabled</c>: the application turned the fix off (<see cref="TorchBackend.LibStdCxxFix"/>).</summary>
    public enum Outcome { NotNeeded, HostHasVersion, AlreadyPatched, Patched, Disabled }

    /// <summary>
    /// Patches <paramref name="libraryPath"/> in place (write to a temporary file, then rename) when the host's
    /// libstdc++ lacks <see cref="Version"/> and the library requires it only for harmless symbols. Idempotent.
    /// </summary>
    /// <param name="hostLibStdCxx">The libstdc++.so.6 the dynamic loader will use, or null to find it.</param>
    public static Outcome Apply(string libraryPath, string? hostLibStdCxx = null)
    {
        var image = ElfImage.Load(libraryPath);
        var need = image.NeededVersions().FirstOrDefault(v => v.Name == Version);
        if (need is null) return Outcome.NotNeeded;
        if (need.IsWeak) return Outcome.AlreadyPatched;

        hostLibStdCxx ??= FindHostLibStdCxx();
        if (hostLibStdCxx is not null && ElfImage.Load(hostLibStdCxx).DefinedVersions().Contains(Version))
            return Outcome.HostHasVersion;

        var bound = image.SymbolsBoundTo(need.Index);
        var unsafeSymbols = bound.Where(s => !HarmlessSymbols.Contains(s)).ToList();
        if (unsafeSymbols.Count > 0)
            throw new TorchBackendException(
                $"{Path.GetFileName(libraryPath)} needs {Version} for {string.Join(", ", unsafeSymbols)}, which this host's " +
                $"libstdc++ ({hostLibStdCxx ?? "not found"}) lacks and which cannot safely be skipped. " +
                "Install a libstdc++ from GCC 13 or newer, or use a TorchSharp build made for this system.");

        image.MarkWeak(need);
        WriteAtomically(libraryPath, image.Bytes);
        return Outcome.Patched;
    }

    /// <summary>The libstdc++.so.6 that ld.so would load: LD_LIBRARY_PATH first, then the usual system folders.</summary>
    public static string? FindHostLibStdCxx()
    {
        var dirs = (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
                     "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib"]);
        return dirs.Select(d => Path.Combine(d, "libstdc++.so.6")).FirstOrDefault(File.Exists);
    }

    static void WriteAtomically(string path, byte[] bytes) =>
        WaifuLab.Training.AtomicFile.Write(path, s => s.Write(bytes), OperatingSystem.IsWindows() ? null : File.GetUnixFileMode(path));
}
