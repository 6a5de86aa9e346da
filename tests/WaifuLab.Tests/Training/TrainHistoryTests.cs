using WaifuLab.Training;
using static WaifuLab.Tests.Training.TrainingFixtures;

namespace WaifuLab.Tests.Training;

public class TrainHistoryTests
{
    [Fact]
    public void CsvRoundTripKeepsValuesAndExtraColumns()
    {
        var h = new TrainHistory();
        h.Add(new TrainStep(1, 1, 1.386294361119891, 0.6931, 0.5, 0.49, 0.48, 812.25));
        h.Add(new TrainStep(2, 1, 0.1, double.NaN, 1e-12, 0.3, 0.2, 790) { Extra = new Dictionary<string, double> { ["grad_norm_d"] = 3.5 } });
        h.Add(new TrainStep(3, 2, 0.2, 0.3, 0.4, 0.5, 0.6, 700) { Extra = new Dictionary<string, double> { ["fid"] = 123.25, ["grad_norm_d"] = 1 } });
        var dir = TempFolder();
        var path = Path.Combine(dir, "history.csv");
        h.Save(path);

        var back = TrainHistory.Load(path);
        Assert.Equal(3, back.Count);
        Assert.Equal(h[0], back[0]);
        Assert.Equal(1.386294361119891, back[0].LossD);
        Assert.True(double.IsNaN(back[1].LossG));
        Assert.Equal(3.5, back[1].Extra!["grad_norm_d"]);
        Assert.False(back[1].Extra!.ContainsKey("fid"));
        Assert.Equal(123.25, back[2].Extra!["fid"]);
        Assert.StartsWith("iteration,epoch,loss_d,loss_g,d_real,d_fake_before,d_fake_after,ms,grad_norm_d,fid\n", File.ReadAllText(path));
        Assert.Equal(new[] { 0.1, 0.2 }, back.Series(s => s.LossD).Skip(1));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void BadFilesAreReportedWithTheLine()
    {
        Assert.Throws<InvalidDataException>(() => TrainHistory.Parse("a,b\n1,2\n"));
        var e = Assert.Throws<InvalidDataException>(() =>
            TrainHistory.Parse("iteration,epoch,loss_d,loss_g,d_real,d_fake_before,d_fake_after,ms\n1,1,x,0,0,0,0,0\n"));
        Assert.Contains("line 2", e.Message);
    }

    [Fact]
    public void StepsMustComeInOrderAndTruncateDropsTheTail()
    {
        var h = new TrainHistory();
        h.Add(new TrainStep(1, 1, 0, 0, 0, 0, 0, 0));
        h.Add(new TrainStep(2, 1, 0, 0, 0, 0, 0, 0));
        Assert.Throws<ArgumentException>(() => h.Add(new TrainStep(2, 1, 0, 0, 0, 0, 0, 0)));
        h.TruncateAfter(1);
        Assert.Single(h);
    }
}
