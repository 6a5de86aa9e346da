using System.Runtime.InteropServices;
using TorchSharp;

namespace WaifuLab.Backend;

/// <summary>
/// Loads TorchSharp's native backend once per process (applying <see cref="LibStdCxxCompat"/> where the host
/// needs it, <see cref="NativeHeap"/>'s malloc settings and <see cref="OneDnn"/>'s guard), turns a load failure into one clear error, and picks the
/// device and thread count.
/// Every WaifuLab entry point that touches tensors calls <see cref="EnsureLoaded"/> first.
/// </summary>
public static class TorchBackend
{
    const string NativeName = "libLibTorchSharp.so";
    static readonly Lazy<LoadReport> _load = new(LoadOnce, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>What happened when the backend was loaded.</summary>
    public sealed record LoadReport(string? NativeLibrary, LibStdCxxCompat.Outcome Compat, bool CudaAvailable, NativeHeap.Outcome Heap, OneDnn.Outcome OneDnn);

    /// <summary>Loads the native backend (once); throws <see cref="TorchBackendException"/> with a usable message on failure.</summary>
    public static LoadReport EnsureLoaded() => _load.Value;

    /// <summary>The environment variable that turns <see cref="LibStdCxxCompat"/> off: <c>WAIFULAB_LIBSTDCXX_FIX=off</c> (or 0, false).</summary>
    public const string FixVariable = "WAIFULAB_LIBSTDCXX_FIX";

    static bool? _fixEnabled;

    /// <summary>
    /// Whether the first load may patch libLibTorchSharp.so in the application's output folder (<see cref="LibStdCxxCompat"/>).
    /// On by default; off when <see cref="FixVariable"/> says so, or when an application sets this to false before the
    /// first tensor call (e.g. it ships a TorchSharp build that loads as is, or its output folder is read-only).
    /// </summary>
    public static bool LibStdCxxFix
    {
        get => _fixEnabled ?? !(Environment.GetEnvironmentVariable(FixVariable)?.Trim().ToLowerInvariant() is "off" or "0" or "false" or "no");
        set
        {
            if (_load.IsValueCreated)
                throw new InvalidOperationException("TorchBackend.LibStdCxxFix must be set before the first TorchSharp call (the native library is already loaded)");
            _fixEnabled = value;
        }
    }

    /// <summary>Resolves <see cref="ComputeDevice.Auto"/> to CUDA when available, else CPU.</summary>
    public static torch.Device Resolve(ComputeDevice device)
    {
        var report = EnsureLoaded();
        return device switch
        {
            ComputeDevice.Cpu => torch.CPU,
            ComputeDevice.Cuda when !report.CudaAvailable => throw new TorchBackendException(
                "CUDA was requested but is not available: this build uses the CPU backend or no NVIDIA GPU/driver was found. " +
                "Build with -p:WaifuLabBackend=cuda on a machine with CUDA (see environment.md), or use --device cpu."),
            ComputeDevice.Cuda => torch.CUDA,
            _ => report.CudaAvailable ? torch.CUDA : torch.CPU,
        };
    }

    /// <summary>Sets the number of intra-op CPU threads (0 keeps libtorch's default: one per core).</summary>
    public static void SetThreads(int threads)
    {
        // More threads than cores only slows libtorch down, and enough of them exhaust the machine's thread limit.
        if (threads < 0 || threads > Environment.ProcessorCount)
            throw new ArgumentException($"threads must be 0 (libtorch's default) or 1 to this machine's {Environment.ProcessorCount} cores, got {threads}", nameof(threads));
        EnsureLoaded();
        if (threads > 0) torch.set_num_threads(threads);
    }

    /// <summary>The folders where the runtime looks for TorchSharp's native library, app folder first.</summary>
    internal static IEnumerable<string> CandidatePaths()
    {
        var rid = RuntimeInformation.RuntimeIdentifier;
        var dirs = new[] { Path.GetDirectoryName(typeof(torch).Assembly.Location), AppContext.BaseDirectory }
            .Where(d => !string.IsNullOrEmpty(d)).Distinct();
        foreach (var d in dirs)
        {
            yield return Path.Combine(d!, NativeName);
            yield return Path.Combine(d!, "runtimes", rid, "native", NativeName);
        }
    }

    static LoadReport LoadOnce()
    {
        var heap = NativeHeap.Tune(); // before libtorch allocates its first tensor
        string? path = OperatingSystem.IsLinux() ? CandidatePaths().FirstOrDefault(File.Exists) : null;
        // An interactive host (.NET Interactive) loads TorchSharp.dll from the NuGet cache: no natives beside it.
        var package = OperatingSystem.IsLinux() && path is null ? PackageNatives.Locate() : null;
        var compat = LibStdCxxCompat.Outcome.NotNeeded;
        if (package is not null)
        {
            try { path = package.PrivateCopy(PackageNatives.DefaultCacheFolder()); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new TorchBackendException(
                    $"Could not write a private copy of {package.LibTorchSharp} under {PackageNatives.DefaultCacheFolder()}: {e.Message}. " +
                    "Make that folder writable (or set XDG_CACHE_HOME to a writable folder), then restart the kernel.", e);
            }
        }
        if (path is not null)
        {
            try { compat = LibStdCxxFix ? LibStdCxxCompat.Apply(path) : LibStdCxxCompat.Outcome.Disabled; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new TorchBackendException(
                    $"Could not apply the libstdc++ compatibility fix to {path}: {e.Message}. " +
                    "Make the build output folder writable (or rebuild), then run again.", e);
            }
            // Load it ourselves first: dlopen's own error names the real cause, whereas TorchSharp's fallback
            // says a package reference is missing and copies ~500 MB of natives before failing. From packages,
            // libtorch goes first: the private copy finds it by soname, not beside itself.
            if (package is not null) Load(package.LibTorch, compat);
            Load(path, compat);
        }
        try
        {
            bool cuda = torch.cuda.is_available();
            return new LoadReport(path, compat, cuda, heap, OneDnn.Apply()); // before the first convolution
        }
        catch (Exception e) when (e is TypeInitializationException or NotSupportedException or DllNotFoundException)
        {
            throw new TorchBackendException(
                "TorchSharp's native backend did not load" + (path is null ? $" ({NativeName} was not found next to TorchSharp.dll)" : "") +
                $": {Innermost(e).Message}\nRebuild with 'dotnet build' so that the libtorch package's natives are copied " +
                "to the output folder; for CUDA build with -p:WaifuLabBackend=cuda. See environment.md.", e);
        }
    }

    static void Load(string path, LibStdCxxCompat.Outcome compat)
    {
        if (NativeLibrary.TryLoad(path, out _)) return;
        string reason;
        try { NativeLibrary.Load(path); reason = "unknown"; }
        catch (DllNotFoundException e) { reason = e.Message; }
        throw new TorchBackendException(
            $"TorchSharp's native library {path} failed to load: {reason}\n" +
            (compat == LibStdCxxCompat.Outcome.Disabled ? $"The libstdc++ fix is off ({FixVariable} or TorchBackend.LibStdCxxFix): turn it on if the reason is GLIBCXX_3.4.32. " : "") +
            "Check that the machine is x86-64 Linux with glibc 2.28 or newer, rebuild with 'dotnet build', " +
            "and see environment.md (Troubleshooting).");
    }

    static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
