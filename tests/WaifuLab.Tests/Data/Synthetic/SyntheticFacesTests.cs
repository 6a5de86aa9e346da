using System.Globalization;
using WaifuLab.Data.Synthetic;

namespace WaifuLab.Tests.Data.Synthetic;

public class SyntheticFacesTests
{
    private static string TempDir() => Directory.CreateTempSubdirectory("waifulab-synth").FullName;

    [Fact]
    public void Same_seed_gives_byte_identical_files_and_another_seed_differs()
    {
        string a = TempDir(), b = TempDir(), c = TempDir();
        SyntheticFaces.Generate(a, 10, 32, seed: 5);
        SyntheticFaces.Generate(b, 10, 32, seed: 5);
        SyntheticFaces.Generate(c, 10, 32, seed: 6);

        var names = Directory.GetFiles(a, "*.*").Select(Path.GetFileName).Where(n => n![0] != '.').Order().ToList(); // not the folder's marker
        Assert.Equal(11, names.Count);
        Assert.Equal(names, Directory.GetFiles(b).Select(Path.GetFileName).Where(n => n![0] != '.').Order());
        foreach (var name in names)
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, name!)), File.ReadAllBytes(Path.Combine(b, name!)));
        int differing = names.Count(n => !File.ReadAllBytes(Path.Combine(a, n!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(c, n!))));
        Assert.Equal(names.Count, differing);
    }

    [Fact]
    public void A_face_depends_only_on_seed_and_index_not_on_how_many_are_generated()
    {
        var dir = TempDir();
        SyntheticFaces.Generate(dir, 7, 32, seed: 3);
        var (face, nuisance) = SyntheticFaces.Sample(3, 6);
        Assert.Equal(FaceRenderer.RenderPng(face, nuisance, 32), File.ReadAllBytes(Path.Combine(dir, "face_000006.png")));
        var row = File.ReadAllLines(Path.Combine(dir, SyntheticFaces.LabelsFile))[7].Split(',');
        Assert.Equal("face_000006.png", row[0]);
        Assert.Equal(FaceAttributes.Label(face.Hair), row[1]);
    }

    [Fact]
    public void Labels_csv_has_a_column_per_attribute_and_every_row_encodes_with_the_schema()
    {
        var dir = TempDir();
        SyntheticFaces.Generate(dir, 12, 32, seed: 1);
        var lines = File.ReadAllLines(Path.Combine(dir, SyntheticFaces.LabelsFile));
        Assert.Equal("file,hair,eyes,style,glasses,blush,accessory,mouth", lines[0]);
        Assert.Equal(13, lines.Length);
        var header = lines[0].Split(',');
        for (int i = 1; i < lines.Length; i++)
        {
            var cells = lines[i].Split(',');
            Assert.Equal(header.Length, cells.Length);
            Assert.Equal($"face_{i - 1:D6}.png", cells[0]);
            Assert.True(File.Exists(Path.Combine(dir, cells[0])));
            var values = header.Skip(1).Zip(cells.Skip(1)).ToDictionary(p => p.First, p => p.Second);
            var vector = SyntheticFaces.Schema.Encode(values);
            Assert.Equal(SyntheticFaces.Schema.Width, vector.Length);
            // One-hot blocks for the six categories plus the mouth value.
            Assert.Equal(6, vector.Take(vector.Length - 1).Count(v => v == 1f));
            Assert.Matches(@"^[01]\.\d{3}$", cells[^1]);
            Assert.Equal(double.Parse(cells[^1], CultureInfo.InvariantCulture), vector[^1], 1e-6);
            Assert.Equal(values, SyntheticFaces.Schema.Decode(vector).ToDictionary(kv => kv.Key, kv => kv.Value),
                new LabelComparer());
        }
    }

    private sealed class LabelComparer : IEqualityComparer<Dictionary<string, string>>
    {
        public bool Equals(Dictionary<string, string>? x, Dictionary<string, string>? y) =>
            x!.Count == y!.Count && x.All(kv => kv.Key == "mouth"
                ? Math.Abs(double.Parse(kv.Value, CultureInfo.InvariantCulture) - double.Parse(y[kv.Key], CultureInfo.InvariantCulture)) < 1e-3
                : kv.Value == y[kv.Key]);
        public int GetHashCode(Dictionary<string, string> obj) => obj.Count;
    }

    [Fact]
    public void Schema_lists_the_attributes_and_values_users_see()
    {
        var s = SyntheticFaces.Schema;
        Assert.Equal(["white", "black", "blonde", "pink", "blue", "red", "brown", "green"], s["hair"].Values);
        Assert.True(s["eyes"].Values.Count >= 6);
        Assert.Equal(["short", "long", "twintails"], s["style"].Values);
        Assert.Equal(["no", "yes"], s["glasses"].Values);
        Assert.Equal(["none", "ribbon", "hat"], s["accessory"].Values);
        Assert.Equal(WaifuLab.Data.AttributeKind.Continuous, s["mouth"].Kind);
        Assert.Equal(8 + 6 + 3 + 2 + 2 + 3 + 1, s.Width);
    }

    [Fact]
    public void Attribute_frequencies_match_the_specification()
    {
        const int n = 2000;
        var sampler = new FaceSampler(11);
        var faces = Enumerable.Range(0, n).Select(sampler.Attributes).ToList();
        void Rate(Func<FaceAttributes, bool> has, double expected, string what)
        {
            double rate = faces.Count(has) / (double)n;
            Assert.True(Math.Abs(rate - expected) < 0.04, $"{what}: rate {rate:F3}, expected {expected:F3}");
        }
        foreach (var h in Enum.GetValues<HairColor>()) Rate(f => f.Hair == h, 1.0 / 8, $"hair {h}");
        foreach (var e in Enum.GetValues<EyeColor>()) Rate(f => f.Eyes == e, 1.0 / 6, $"eyes {e}");
        foreach (var st in Enum.GetValues<HairStyle>()) Rate(f => f.Style == st, 1.0 / 3, $"style {st}");
        Rate(f => f.Glasses, 0.30, "glasses");
        Rate(f => f.Blush, 0.40, "blush");
        Rate(f => f.Accessory == FaceAccessory.None, 0.50, "no accessory");
        Rate(f => f.Accessory == FaceAccessory.Ribbon, 0.25, "ribbon");
        Rate(f => f.Accessory == FaceAccessory.Hat, 0.25, "hat");
        Assert.InRange(faces.Average(f => f.Mouth), 0.47, 0.53);
        Assert.True(faces.Min(f => f.Mouth) < 0.01 && faces.Max(f => f.Mouth) > 0.99);
        // Independence, roughly: glasses are as common among blushing faces as among the others.
        double withBlush = faces.Where(f => f.Blush).Average(f => f.Glasses ? 1.0 : 0.0);
        double without = faces.Where(f => !f.Blush).Average(f => f.Glasses ? 1.0 : 0.0);
        Assert.True(Math.Abs(withBlush - without) < 0.06, $"glasses rate {withBlush:F3} with blush vs {without:F3} without");
    }

    [Fact]
    public void Nuisance_varies_between_faces()
    {
        var sampler = new FaceSampler(2);
        var all = Enumerable.Range(0, 50).Select(i => sampler.Nuisance(i, HairColor.Red)).ToList();
        Assert.True(all.Select(x => x.Background).Distinct().Count() > 40);
        Assert.True(all.Max(x => x.Rotation) - all.Min(x => x.Rotation) > 8);
        Assert.True(all.Max(x => x.OffsetX) - all.Min(x => x.OffsetX) > 4);
    }

    [Theory]
    [InlineData(0, 32, "count")]
    [InlineData(-5, 32, "count")]
    [InlineData(4, 16, "32 to 256")]
    [InlineData(4, 512, "32 to 256")]
    public void Bad_arguments_are_refused_with_a_message_naming_the_problem(int count, int size, string mention)
    {
        var dir = Path.Combine(TempDir(), "never");
        var e = Assert.ThrowsAny<ArgumentException>(() => SyntheticFaces.Generate(dir, count, size, 1));
        Assert.Contains(mention, e.Message);
        Assert.False(Directory.Exists(dir));
        e = Assert.ThrowsAny<ArgumentException>(() => BuiltInDataset.EnsureGenerated(TempDir(), size, count));
        Assert.Contains(mention, e.Message);
    }

    [Fact]
    public void Cancelling_leaves_no_labels_file()
    {
        var dir = TempDir();
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => SyntheticFaces.Generate(dir, 50, 32, 1, null, cancel.Token));
        Assert.False(File.Exists(Path.Combine(dir, SyntheticFaces.LabelsFile)));
    }

    [Fact]
    public void Grids_have_the_requested_layout()
    {
        var grid = SyntheticFaces.Grid(32, 1, rows: 2, columns: 3);
        Assert.Equal((3 * 34 + 2, 2 * 34 + 2), (grid.Width, grid.Height));
        var rows = SyntheticFaces.HairRows(32, 1, columns: 4);
        Assert.Equal((4 * 34 + 2, 8 * 34 + 2), (rows.Width, rows.Height));
    }
}
