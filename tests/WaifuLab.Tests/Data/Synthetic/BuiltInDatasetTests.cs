using WaifuLab.Data.Synthetic;

namespace WaifuLab.Tests.Data.Synthetic;

public class BuiltInDatasetTests
{
    [Fact]
    public void Data_root_is_the_data_folder_beside_the_solution()
    {
        var root = BuiltInDataset.DataRoot();
        Assert.Equal("data", Path.GetFileName(root));
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(root)!, BuiltInDataset.SolutionFile)), root);
    }

    [Fact]
    public void Ensure_generated_makes_the_folder_once_and_reuses_it()
    {
        var root = Directory.CreateTempSubdirectory("waifulab-builtin").FullName;
        var folder = BuiltInDataset.EnsureGenerated(root, size: 32, count: 5, seed: 2);
        Assert.Equal(Path.Combine(root, "synthfaces-32px-5-s2"), folder);
        Assert.True(BuiltInDataset.IsComplete(folder, 5));
        Assert.Equal(6, Directory.GetFiles(folder).Count(f => Path.GetFileName(f) != SyntheticFaces.MarkerFile)); // 5 faces + labels.csv
        Assert.Single(Directory.GetDirectories(root)); // no temporary folder left behind

        var marker = Path.Combine(folder, "marker");
        File.WriteAllText(marker, "kept");
        Assert.Equal(folder, BuiltInDataset.EnsureGenerated(root, size: 32, count: 5, seed: 2));
        Assert.True(File.Exists(marker), "a complete folder must be reused, not regenerated");
    }

    [Fact]
    public void Ensure_generated_regenerates_a_partial_folder()
    {
        var root = Directory.CreateTempSubdirectory("waifulab-builtin").FullName;
        var folder = BuiltInDataset.EnsureGenerated(root, size: 32, count: 4, seed: 3);
        var original = File.ReadAllBytes(Path.Combine(folder, "face_000002.png"));

        // An interrupted run: images but no labels.csv; and one where an image went missing.
        File.Delete(Path.Combine(folder, SyntheticFaces.LabelsFile));
        File.WriteAllText(Path.Combine(folder, "marker"), "stale");
        Assert.False(BuiltInDataset.IsComplete(folder, 4));
        BuiltInDataset.EnsureGenerated(root, size: 32, count: 4, seed: 3);
        Assert.True(BuiltInDataset.IsComplete(folder, 4));
        Assert.False(File.Exists(Path.Combine(folder, "marker")));
        Assert.Equal(original, File.ReadAllBytes(Path.Combine(folder, "face_000002.png")));

        File.Delete(Path.Combine(folder, "face_000001.png"));
        Assert.False(BuiltInDataset.IsComplete(folder, 4));
        BuiltInDataset.EnsureGenerated(root, size: 32, count: 4, seed: 3);
        Assert.True(BuiltInDataset.IsComplete(folder, 4));
    }

    [Fact]
    public void A_folder_with_a_different_count_is_not_complete()
    {
        var root = Directory.CreateTempSubdirectory("waifulab-builtin").FullName;
        var folder = BuiltInDataset.EnsureGenerated(root, size: 32, count: 3, seed: 1);
        Assert.False(BuiltInDataset.IsComplete(folder, 4));
    }
}
