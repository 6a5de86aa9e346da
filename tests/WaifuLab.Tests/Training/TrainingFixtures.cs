using WaifuLab.Backend;
using WaifuLab.Data;
using WaifuLab.Models;
using WaifuLab.Training;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Training;

/// <summary>Tiny models, data and throw-away run folders so a whole test class runs in seconds.</summary>
static class TrainingFixtures
{
    public static TrainOptions Tiny => new()
    {
        Model = new GanModelOptions(32, 8, 4, 4),
        BatchSize = 4,
        Epochs = 1,
        SampleGridCount = 4,
        Device = ComputeDevice.Cpu,
    };

    /// <summary><paramref name="count"/> random 32 px images (fixed seed), 4 iterations per epoch at batch 4 for 16.</summary>
    public static ImageDataset MakeData(int count = 16, int size = 32)
    {
        using var g = new Generator(123, CPU);
        return new ImageDataset(rand([count, 3, size, size], generator: g).mul(2).sub(1), source: "random");
    }

    public static string TempFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "waifulab-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static bool Eq(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    public static Tensor[] Snapshot(nn.Module m) => m.parameters().Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();

    public static bool Same(Tensor[] a, nn.Module m) => a.Zip(m.parameters()).All(t => Eq(t.First, t.Second));

    public static bool AllSame(Tensor[] a, nn.Module m) => Same(a, m);

    public static bool NoneSame(Tensor[] a, nn.Module m) => a.Zip(m.parameters()).All(t => !Eq(t.First, t.Second));
}
