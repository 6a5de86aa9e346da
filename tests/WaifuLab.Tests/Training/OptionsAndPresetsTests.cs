using WaifuLab.Models;
using WaifuLab.Training;

namespace WaifuLab.Tests.Training;

public class OptionsAndPresetsTests
{
    [Fact]
    public void EveryPresetIsValidAndDescribed()
    {
        foreach (var name in Presets.Names)
        {
            Presets.Get(name).Validate();
            Assert.StartsWith(name + ":", Presets.Describe(name));
        }
        Assert.Contains("smoke", Presets.Names);
        Assert.Contains("quick", Presets.Names);
        Assert.Equal(new GanModelOptions(64, 100, 64, 64), Presets.Get("full").Model);
        Assert.Equal(50, Presets.Get("full").Epochs);
        Assert.Equal(128, Presets.Get("deep128-full").Model.ImageSize);
    }

    [Fact]
    public void UnknownPresetIsRefusedWithTheList()
    {
        var e = Assert.Throws<ArgumentException>(() => Presets.Get("huge"));
        Assert.Contains("huge", e.Message);
        Assert.Contains("quick", e.Message);
    }

    [Theory]
    [InlineData("batch size")]
    [InlineData("epochs")]
    [InlineData("generator learning rate")]
    [InlineData("beta1")]
    [InlineData("image size")]
    public void BadOptionsAreRefusedByName(string named)
    {
        var o = new TrainOptions();
        o = named switch
        {
            "batch size" => o with { BatchSize = 0 },
            "epochs" => o with { Epochs = -1 },
            "generator learning rate" => o with { LrG = double.NaN },
            "beta1" => o with { Beta1 = 1 },
            _ => o with { Model = o.Model with { ImageSize = 100 } },
        };
        Assert.Contains(named, Assert.Throws<ArgumentException>(() => o.Validate()).Message);
    }

    [Fact]
    public void OptionsRoundTripThroughJson()
    {
        var o = Presets.Get("deep128-quick") with { Device = WaifuLab.Backend.ComputeDevice.Cpu, Threads = 2, MaxIterations = 7 };
        var json = TrainingJson.Serialize(o);
        Assert.Contains("\"Cpu\"", json);
        Assert.Equal(o, TrainingJson.Deserialize<TrainOptions>(json, "test"));
    }
}
