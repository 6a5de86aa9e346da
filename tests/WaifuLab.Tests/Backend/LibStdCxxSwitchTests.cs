using WaifuLab.Backend;
using WaifuLab.Tests.Cli;

namespace WaifuLab.Tests.Backend;

public class LibStdCxxSwitchTests
{
    [Fact]
    public void The_fix_switch_is_refused_once_the_backend_is_loaded()
    {
        TorchBackend.EnsureLoaded();
        var e = Assert.Throws<InvalidOperationException>(() => TorchBackend.LibStdCxxFix = false);
        Assert.Contains("before the first TorchSharp call", e.Message);
    }

    [Fact]
    public void The_environment_variable_turns_the_fix_off_for_a_new_process()
    {
        // The CLI deployed beside the tests, in a process of its own: the variable is read before libtorch loads.
        var r = CliProcess.Run(AppContext.BaseDirectory, ["info"], new Dictionary<string, string> { [TorchBackend.FixVariable] = "off" });
        // The library in this folder was patched by the test process already, so it still loads; the fix reports itself off.
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"libstdc\+\+ fix\s+Disabled", r.Stdout);
    }
}
