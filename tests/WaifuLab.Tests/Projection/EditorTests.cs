using WaifuLab.Conditional;
using WaifuLab.Projection;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Projection;

public class EditorTests
{
    /// <summary>A projection result with a known z and condition (what Projector returns, without the search).</summary>
    static ProjectionResult Known(ConditionalGenerator g, ulong seed, string hair, string glasses)
    {
        using var random = new Generator(seed);
        var z = randn([1, 16], generator: random);
        var c = TinyGenerator.Condition(hair, glasses);
        return new ProjectionResult
        {
            Z = z, Condition = c, Reconstruction = TinyGenerator.Draw(g, z, c), PixelMse = 0, FeatureDistance = double.NaN,
            BestRestart = 0, RestartLosses = [0], Curve = [], Schema = TinyGenerator.Schema, Attributes = TinyGenerator.Schema.Decode(c.data<float>().ToArray()),
            Elapsed = TimeSpan.Zero,
        };
    }

    [Fact]
    public void An_edit_redraws_the_same_z_with_only_the_named_attribute_changed()
    {
        using var g = TinyGenerator.Make();
        using var r = Known(g, 1, "black", "no");
        using var edited = Editor.Edit(g, r, "hair=white");
        using var expected = TinyGenerator.Draw(g, r.Z, TinyGenerator.Condition("white", "no"));
        Assert.True(edited.allclose(expected, 1e-5, 1e-5));
        Assert.False(edited.allclose(r.Reconstruction, 1e-2, 1e-2));
        using var both = Editor.Edit(g, r, "hair=pink", "glasses=yes");
        using var expectedBoth = TinyGenerator.Draw(g, r.Z, TinyGenerator.Condition("pink", "yes"));
        Assert.True(both.allclose(expectedBoth, 1e-5, 1e-5));
        // The result's condition itself is untouched.
        Assert.Equal(new float[] { 1, 0, 0, 1, 0 }, r.Condition.data<float>().ToArray());
    }

    [Fact]
    public void Unknown_attributes_and_values_are_refused()
    {
        using var g = TinyGenerator.Make();
        using var r = Known(g, 1, "black", "no");
        var e = Assert.Throws<ArgumentException>(() => Editor.Edit(g, r, "hat=red"));
        Assert.Contains("hat", e.Message);
        Assert.Contains("hair", e.Message);
        e = Assert.Throws<ArgumentException>(() => Editor.Edit(g, r, "hair=green"));
        Assert.Contains("green", e.Message);
        Assert.Throws<ArgumentException>(() => Editor.EditGrid(g, r, TinyGenerator.Schema, "hat"));
        using var other = new ConditionalGenerator(g.Options with { Nz = 8 });
        e = Assert.Throws<ArgumentException>(() => Editor.Edit(other, r, "hair=white"));
        Assert.Contains("nz 8", e.Message);
    }

    [Fact]
    public void The_edit_grid_has_one_image_per_value_and_keeps_the_projection_in_its_row()
    {
        using var g = TinyGenerator.Make();
        using var r = Known(g, 2, "white", "yes");
        using var grid = Editor.EditGrid(g, r, TinyGenerator.Schema, "hair");
        Assert.Equal(new long[] { 3, 3, 16, 16 }, grid.shape);
        Assert.True(grid[1].unsqueeze(0).allclose(r.Reconstruction, 1e-5, 1e-5)); // white is the projected value
        using var pink = TinyGenerator.Draw(g, r.Z, TinyGenerator.Condition("pink", "yes"));
        Assert.True(grid[2].unsqueeze(0).allclose(pink, 1e-5, 1e-5));
    }

    [Fact]
    public void Transfer_swaps_conditions_between_two_projections()
    {
        using var g = TinyGenerator.Make();
        using var a = Known(g, 3, "black", "yes");
        using var b = Known(g, 4, "pink", "no");
        var (ab, ba) = Editor.Transfer(g, a, b);
        using (ab)
        using (ba)
        {
            using var expectedAb = TinyGenerator.Draw(g, a.Z, b.Condition);
            using var expectedBa = TinyGenerator.Draw(g, b.Z, a.Condition);
            Assert.True(ab.allclose(expectedAb, 1e-5, 1e-5));
            Assert.True(ba.allclose(expectedBa, 1e-5, 1e-5));
            Assert.False(ab.allclose(a.Reconstruction, 1e-2, 1e-2));
        }
    }
    [Fact]
    public void A_saved_projection_loads_back_and_edits_the_same()
    {
        using var g = TinyGenerator.Make();
        using var r = Known(g, 5, "pink", "yes");
        var dir = Directory.CreateTempSubdirectory("waifulab-projection-file-").FullName;
        try
        {
            var path = Path.Combine(dir, "sub", "face.projection.json");
            ProjectionFile.Save(r, path);
            using var back = ProjectionFile.Load(path, g);
            Assert.True(back.Z.allclose(r.Z, 0, 0));
            Assert.True(back.Reconstruction.allclose(r.Reconstruction, 1e-5, 1e-5));
            Assert.Equal("pink", back.Attributes["hair"]);
            Assert.True(double.IsNaN(back.FeatureDistance));
            using var edited = Editor.Edit(g, back, "glasses=no");
            using var expected = Editor.Edit(g, r, "glasses=no");
            Assert.True(edited.allclose(expected, 1e-5, 1e-5));

            using var other = new ConditionalGenerator(g.Options with { Nz = 8 });
            var e = Assert.Throws<InvalidDataException>(() => ProjectionFile.Load(path, other));
            Assert.Contains("nz 8", e.Message);
            var junk = Path.Combine(dir, "junk.json");
            File.WriteAllText(junk, "{\"hello\": 1}");
            Assert.Throws<InvalidDataException>(() => ProjectionFile.Load(junk, g));
            File.WriteAllText(junk, "not json");
            Assert.Throws<InvalidDataException>(() => ProjectionFile.Load(junk, g));
            Assert.Throws<FileNotFoundException>(() => ProjectionFile.Load(Path.Combine(dir, "none.json"), g));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
