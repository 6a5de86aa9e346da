using System.CommandLine;
using WaifuLab.Cli;
using WaifuLab.Cli.Commands;
using WaifuLab.Data.Synthetic;

namespace WaifuLab.Tests.Cli;

public class DataSynthCommandTests
{
    private static int Run(params string[] args) =>
        CliErrors.Run(new RootCommand { new Command("data") { DataSynthCommand.Create() } }, args);

    [Fact]
    public void Synth_writes_images_and_labels_and_grids()
    {
        var dir = Directory.CreateTempSubdirectory("waifulab-cli-synth").FullName;
        var outDir = Path.Combine(dir, "faces");
        var grid = Path.Combine(dir, "grid.png");
        var rows = Path.Combine(dir, "rows.png");
        Assert.Equal(CliErrors.Ok, Run("data", "synth", "--count", "6", "--size", "32", "--seed", "4", "--out", outDir,
            "--grid", grid, "--hair-rows", rows, "--grid-rows", "2", "--grid-columns", "3"));
        Assert.True(BuiltInDataset.IsComplete(outDir, 6));
        Assert.Equal(7, File.ReadAllLines(Path.Combine(outDir, SyntheticFaces.LabelsFile)).Length);
        Assert.Equal(SyntheticFaces.Grid(32, 4, 2, 3).Bytes, File.ReadAllBytes(grid));
        Assert.Equal(SyntheticFaces.HairRows(32, 4, 3).Bytes, File.ReadAllBytes(rows));
    }

    [Fact]
    public void Rerunning_with_fewer_faces_leaves_only_the_new_set()
    {
        var outDir = Directory.CreateTempSubdirectory("waifulab-cli-synth").FullName;
        Assert.Equal(CliErrors.Ok, Run("data", "synth", "--count", "5", "--size", "32", "--out", outDir));
        Assert.Equal(CliErrors.Ok, Run("data", "synth", "--count", "2", "--size", "32", "--out", outDir));
        Assert.Equal([".waifulab-synth", "face_000000.png", "face_000001.png", "labels.csv"], Directory.GetFiles(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Synth_refuses_a_folder_of_someone_elses_files_and_deletes_nothing()
    {
        var outDir = Directory.CreateTempSubdirectory("waifulab-cli-synth").FullName;
        File.WriteAllText(Path.Combine(outDir, "labels.csv"), "file,mood\nface_000001.png,happy\n");
        File.WriteAllText(Path.Combine(outDir, "face_000001.png"), "my own picture");
        File.WriteAllText(Path.Combine(outDir, "face_999999.png"), "another one");
        Assert.Equal(CliErrors.BadUsage, Run("data", "synth", "--count", "2", "--size", "32", "--out", outDir));
        Assert.Equal("file,mood\nface_000001.png,happy\n", File.ReadAllText(Path.Combine(outDir, "labels.csv")));
        Assert.Equal("my own picture", File.ReadAllText(Path.Combine(outDir, "face_000001.png")));
        Assert.Equal("another one", File.ReadAllText(Path.Combine(outDir, "face_999999.png")));
        Assert.Equal(3, Directory.GetFiles(outDir).Length);
    }

    [Theory]
    [InlineData("3", "20")]
    [InlineData("0", "32")]
    public void Bad_values_exit_with_the_usage_code_and_write_nothing(string count, string size)
    {
        var outDir = Path.Combine(Directory.CreateTempSubdirectory("waifulab-cli-synth").FullName, "faces");
        Assert.Equal(CliErrors.BadUsage, Run("data", "synth", "--out", outDir, "--count", count, "--size", size));
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void Grid_only_without_a_grid_path_is_refused()
    {
        Assert.Equal(CliErrors.BadUsage, Run("data", "synth", "--grid-only"));
    }
}
