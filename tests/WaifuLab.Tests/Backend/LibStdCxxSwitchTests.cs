using System.Diagnostics;
using WaifuLab.Backend;

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
        var cli = Path.Combine(AppContext.BaseDirectory, "WaifuLab.Cli.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(cli);
        info.ArgumentList.Add("info");
        info.Environment[TorchBackend.FixVariable] = "off";
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(1)));
        // The library in this folder was patched by the test process already, so it still loads; the fix reports itself off.
        Assert.Equal(0, p.ExitCode);
        Assert.Matches(@"libstdc\+\+ fix\s+Disabled", output);
    }
}
