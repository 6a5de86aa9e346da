using WaifuLab.Stabilizers;

namespace WaifuLab.Tests.Stabilizers;

public class StabilizerPresetsTests
{
    [Fact]
    public void None_is_all_off_recommended_combines_remedies_and_every_preset_is_valid()
    {
        Assert.Equal(new StabilizerOptions(), StabilizerPresets.Get("none"));
        var r = StabilizerPresets.Get("Recommended");
        Assert.Equal(GanLossKind.Hinge, r.Loss);
        Assert.True(r.SpectralNormD);
        Assert.Equal(DiffAugment.FullPolicy, r.DiffAugmentPolicy);
        Assert.True(r.EmaBeta > 0);
        foreach (var (name, options) in StabilizerPresets.All)
        {
            options.Validate();
            // each single-remedy preset differs from "none"
            if (name != "none") Assert.NotEqual(StabilizerPresets.Get("none"), options);
        }
        var e = Assert.Throws<ArgumentException>(() => StabilizerPresets.Get("magic"));
        Assert.Contains("recommended", e.Message);
        Assert.Throws<ArgumentException>(() => (new StabilizerOptions { R1Gamma = -1 }).Validate());
        Assert.Throws<ArgumentException>(() => (new StabilizerOptions { DiffAugmentPolicy = "rotate" }).Validate());
    }
}
