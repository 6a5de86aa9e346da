using WaifuLab.Evaluation;
using WaifuLab.Tests.Training;

namespace WaifuLab.Tests.Evaluation;

public sealed class MetricsLogTests : IDisposable
{
    readonly string root = TrainingFixtures.TempFolder();

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    static EvaluationRecord Record(int epoch, double floor = 1.5) => new(epoch, epoch * 10L, 12.5, floor, 0.1, 0.01, 0.001, 0.0005,
        null, null, 500, 20000, 500, 256, "classifier-64px-abc.wlc", "training", 3.2, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Lines_are_appended_and_read_back_including_nan_floors()
    {
        var path = MetricsLog.PathIn(Path.Combine(root, "run"));
        Assert.Empty(MetricsLog.Read(path));
        MetricsLog.Append(path, Record(1));
        MetricsLog.Append(path, Record(2, double.NaN) with { Precision = 0.7, Recall = 0.4 });
        Assert.Equal(2, File.ReadAllLines(path).Length);
        var read = MetricsLog.Read(path);
        Assert.Equal(Record(1), read[0]);
        Assert.True(double.IsNaN(read[1].FidFloor));
        Assert.Equal(0.7, read[1].Precision);
        Assert.Contains("\"fid\":12.5", File.ReadAllText(path));
    }

    [Fact]
    public void A_torn_last_line_is_skipped_but_a_bad_line_inside_is_an_error()
    {
        var path = MetricsLog.PathIn(root);
        MetricsLog.Append(path, Record(1));
        File.AppendAllText(path, "{\"epoch\":2,\"iter");
        Assert.Single(MetricsLog.Read(path));
        File.AppendAllText(path, "\n");
        MetricsLog.Append(path, Record(3));
        var e = Assert.Throws<InvalidDataException>(() => MetricsLog.Read(path));
        Assert.Contains("line 2", e.Message);
    }
}
