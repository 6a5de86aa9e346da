using System.CommandLine;
using WaifuLab.Cli;
using WaifuLab.Cli.Commands;

namespace WaifuLab.Tests.Stabilizers;

public class StabilizersCommandTests
{
    [Fact]
    public void The_command_writes_a_csv_row_and_a_grid_per_preset_and_refuses_unknown_presets()
    {
        string dir = Path.Combine(Path.GetTempPath(), "waifulab-stabilizers-" + Guid.NewGuid().ToString("N"));
        try
        {
            var root = new RootCommand { StabilizersCommand.Create() };
            int code = CliErrors.Run(root, ["stabilizers", "--iterations", "2", "--batch", "4", "--images", "8", "--ngf", "4", "--eval-samples", "0", "--presets", "none,hinge", "--out", dir]);
            Assert.Equal(CliErrors.Ok, code);
            var lines = File.ReadAllLines(Path.Combine(dir, "ablation.csv"));
            Assert.Equal(3, lines.Length);
            Assert.StartsWith("preset,dominated_share", lines[0]);
            Assert.StartsWith("none,", lines[1]);
            Assert.StartsWith("hinge,", lines[2]);
            Assert.True(File.Exists(Path.Combine(dir, "hinge.png")));
            Assert.True(File.Exists(Path.Combine(dir, "hinge", "history.csv")), "the preset did not run through the real trainer's run folder");
            Assert.Equal(CliErrors.BadUsage, CliErrors.Run(root, ["stabilizers", "--presets", "none,magic"]));
            Assert.Equal(CliErrors.BadUsage, CliErrors.Run(root, ["stabilizers", "--size", "20", "--images", "8"]));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
