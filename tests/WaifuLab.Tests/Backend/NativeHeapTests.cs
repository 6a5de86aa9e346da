using WaifuLab.Backend;
using WaifuLab.Tests.Cli;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Backend;

public class NativeHeapTests
{
    /// <summary>Minor page faults of this process so far (field 10 of /proc/self/stat).</summary>
    static long MinorFaults()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // after "pid (comm) "; field 3 is fields[0]
        return long.Parse(fields[7]);
    }

    [Fact]
    public void Loading_the_backend_tunes_glibc_malloc()
    {
        Assert.Equal(NativeHeap.Outcome.Tuned, TorchBackend.EnsureLoaded().Heap);
    }

    [Fact]
    public void A_freed_48_MiB_tensor_is_reused_without_faulting_its_pages_in_again()
    {
        // 48 MiB is 12,288 pages, over glibc's largest mmap threshold (32 MiB): with its defaults every allocation is a
        // fresh mmap that faults them all in. Other tests run beside this one and fault pages too, so take the quietest
        // of several windows.
        const long Elements = 12L << 20;
        using (var warm = ones(Elements)) { }
        long quietest = long.MaxValue;
        for (int window = 0; window < 4; window++)
        {
            long before = MinorFaults();
            for (int round = 0; round < 4; round++) using (var t = ones(Elements)) { }
            quietest = Math.Min(quietest, MinorFaults() - before);
        }
        Assert.True(quietest < 4_000, $"4 allocations of a 48 MiB tensor faulted {quietest} pages in (49,152 when each is a fresh mapping)");
    }

    [Fact]
    public void The_environment_variable_leaves_glibc_defaults_for_a_new_process()
    {
        var r = CliProcess.Run(AppContext.BaseDirectory, ["info"], new Dictionary<string, string> { [NativeHeap.Variable] = "off" });
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"malloc\s+Disabled", r.Stdout);
    }
}
