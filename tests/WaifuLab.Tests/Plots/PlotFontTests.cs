using WaifuLab.Plots;

namespace WaifuLab.Tests.Plots;

public class PlotFontTests
{
    [Fact]
    public void Finds_a_readable_font_and_names_a_bad_one()
    {
        var found = PlotFont.Resolve();
        Assert.True(File.Exists(found), $"the font found exists: {found}");
        Assert.Equal(found, PlotFont.Resolve(found));

        var dir = Directory.CreateTempSubdirectory("waifulab-font").FullName;
        var missing = Path.Combine(dir, "nope.ttf");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => PlotFont.Resolve(missing)).Message);
        var junk = Path.Combine(dir, "junk.ttf");
        File.WriteAllText(junk, "not a font");
        Assert.Contains(junk, Assert.Throws<InvalidDataException>(() => PlotFont.Resolve(junk)).Message);
    }
}
