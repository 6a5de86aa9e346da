using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using WaifuLab.Backend;

namespace WaifuLab.Tests;

static class TorchSetup
{
    /// <summary>Tests call torch directly, so load the native backend (with its libstdc++ fix) before any test runs.</summary>
    [ModuleInitializer]
    internal static void LoadBackend()
    {
        // xunit runs test classes in parallel, each with libtorch's OpenMP threads: with the default active
        // spin-wait, threads that outnumber the 2 cores burn them waiting (one 16 px training ran 31x slower).
        // libgomp reads the variable natively when libtorch loads, so it must be set through libc, and before.
        if (OperatingSystem.IsLinux()) setenv("OMP_WAIT_POLICY", "PASSIVE", overwrite: 0);
        TorchBackend.EnsureLoaded();
        TorchSharp.torch.set_num_threads(2);
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int setenv(string name, string value, int overwrite);
}
