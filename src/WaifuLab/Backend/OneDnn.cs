using System.Runtime.InteropServices;

namespace WaifuLab.Backend;

/// <summary>
/// Keeps libtorch's CPU convolutions off oneDNN (mkldnn) on hosts where its kernels return garbage.
/// On our 2-core AMD EPYC Zen 5 hosts (CPU family 26, a VM whose CPUID reports no cache topology to Linux and an
/// L3 of 508 MiB to glibc), libtorch 2.10's oneDNN 3.7.1 convolutions filled D's gradients with NaN at random:
/// a plain DCGAN loop (no WaifuLab trainer) diverged in 5 of 5 runs within 30 iterations, and `waifulab train
/// --preset quick` or `style-quick` in most runs, at a different iteration each time. Capping oneDNN at AVX2
/// (DNNL_MAX_CPU_ISA) did not help; with oneDNN off the same loop stayed finite in 5 of 5 runs.
/// Off, libtorch convolves with its own im2col + BLAS kernels: the same numbers up to rounding.
/// NNPACK, libtorch's next choice, is turned off too: it cannot initialise there and warns on every convolution.
/// </summary>
public static class OneDnn
{
    /// <summary>The environment variable that decides: <c>WAIFULAB_ONEDNN=on|off|auto</c> (default auto: off on AMD family 26 only).</summary>
    public const string Variable = "WAIFULAB_ONEDNN";

    /// <summary>What <see cref="Apply"/> did.</summary>
    public enum Outcome { On, OffForThisCpu, OffByVariable, OnByVariable, NotAvailable }

    const string Lib = "libtorch_cpu.so";

    // libtorch's C++ API (Itanium ABI): at::globalContext() and its member setters, `this` first.
    [DllImport(Lib, EntryPoint = "_ZN2at13globalContextEv")]
    static extern IntPtr GlobalContext();

    [DllImport(Lib, EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport(Lib, EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport(Lib, EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    static extern bool UserEnabledMkldnn(IntPtr context);

    /// <summary>Whether libtorch may use oneDNN now (false where the symbols are missing, e.g. a CUDA-only build's host).</summary>
    public static bool Enabled
    {
        get
        {
            try { return UserEnabledMkldnn(GlobalContext()); }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { return false; }
        }
    }

    /// <summary>
    /// Turns oneDNN off where <see cref="Variable"/> says off, or (auto) on a CPU where it was measured to corrupt results.
    /// Called by <see cref="TorchBackend.EnsureLoaded"/> once libtorch is loaded; throws on an unknown value of the variable.
    /// </summary>
    public static Outcome Apply()
    {
        var setting = Environment.GetEnvironmentVariable(Variable)?.Trim().ToLowerInvariant();
        bool off = setting switch
        {
            null or "" or "auto" => IsAffectedCpu(File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : ""),
            "off" or "0" or "false" or "no" => true,
            "on" or "1" or "true" or "yes" => false,
            _ => throw new TorchBackendException($"{Variable}={setting} is not understood: use on, off or auto (the default)"),
        };
        bool byVariable = setting is not (null or "" or "auto");
        if (!off) return byVariable ? Outcome.OnByVariable : Outcome.On;
        try
        {
            var context = GlobalContext();
            SetUserEnabledMkldnn(context, false);
            SetUserEnabledNnpack(context, false);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { return Outcome.NotAvailable; }
        return byVariable ? Outcome.OffByVariable : Outcome.OffForThisCpu;
    }

    /// <summary>AMD CPU family 26 (Zen 5), read from /proc/cpuinfo's text: the only CPU where we saw oneDNN corrupt results.</summary>
    public static bool IsAffectedCpu(string cpuinfo)
    {
        string? Field(string name) => cpuinfo.Split('\n')
            .Select(l => l.Split(':', 2))
            .FirstOrDefault(p => p.Length == 2 && p[0].Trim() == name)?[1].Trim();
        return Field("vendor_id") == "AuthenticAMD" && Field("cpu family") == "26";
    }
}
