using System.Runtime.InteropServices;

namespace WaifuLab.Backend;

/// <summary>
/// Keeps libtorch's freed CPU tensors in the process's malloc heap instead of handing them back to the kernel.
/// glibc serves a large block with a fresh mmap and unmaps it on free, and trims the heap top past 128 KiB; a training
/// step at 128 px allocates and frees tens of blocks of 32-64 MiB, so every step faults their pages in anew, the kernel
/// zeroing each one. `waifulab bench --arch resnet --size 128 --nf 16 --batch 32 --trainer-only` on a 2-core AMD EPYC host:
/// 2,207 ms/it with glibc's defaults, 1,419 tuned; peak RSS 1,262 and 1,623 MB, since the heap keeps its high-water mark
/// until the process ends (environment.md has the other architectures).
/// Tuning is mmap off and trimming off, and at most one arena for threads that start later. Threads that already
/// have an arena of their own keep it, and a thread arena's heap holds at most 64 MiB, so larger blocks are still
/// mmapped there: the whole gain needs <c>MALLOC_ARENA_MAX=1</c> in the environment at process start (environment.md).
/// </summary>
public static class NativeHeap
{
    /// <summary>The environment variable that leaves glibc's defaults alone: <c>WAIFULAB_MALLOC_TUNING=off</c> (or 0, false, no).</summary>
    public const string Variable = "WAIFULAB_MALLOC_TUNING";

    /// <summary>What <see cref="Tune"/> did.</summary>
    public enum Outcome { Tuned, Disabled, NotGlibc }

    const int M_TRIM_THRESHOLD = -1, M_MMAP_MAX = -4, M_ARENA_MAX = -8;

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int Mallopt(int param, int value);

    static bool Disabled => Environment.GetEnvironmentVariable(Variable)?.Trim().ToLowerInvariant() is "off" or "0" or "false" or "no";

    /// <summary>Turns glibc's mmap-backed blocks and heap trimming off, and caps arenas at one for threads not yet started (called by <see cref="TorchBackend.EnsureLoaded"/>).</summary>
    public static Outcome Tune()
    {
        if (Disabled) return Outcome.Disabled;
        if (!OperatingSystem.IsLinux()) return Outcome.NotGlibc;
        try
        {
            // mallopt returns 1 on success; other libcs lack it or ignore it.
            return Mallopt(M_MMAP_MAX, 0) == 1 && Mallopt(M_TRIM_THRESHOLD, int.MaxValue) == 1 && Mallopt(M_ARENA_MAX, 1) == 1
                ? Outcome.Tuned : Outcome.NotGlibc;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { return Outcome.NotGlibc; }
    }
}
