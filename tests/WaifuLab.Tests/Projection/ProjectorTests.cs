using WaifuLab.Conditional;
using WaifuLab.Projection;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Projection;

public class ProjectorTests(ITestOutputHelper output)
{
    [Fact]
    public void Explore()
    {
        using var g = TinyGenerator.Make();
        using var gen = new Generator(42);
        using var z = randn([1, 16], generator: gen);
        using var c = tensor(TinyGenerator.Schema.Encode(new Dictionary<string, string> { ["hair"] = "white", ["glasses"] = "yes" }), [1, 5]);
        using var target = TinyGenerator.Draw(g, z, c);
        output.WriteLine($"target std {target.std().item<float>():0.###} range {target.min().item<float>():0.##}..{target.max().item<float>():0.##}");
        using var other = TinyGenerator.Draw(g, randn([1, 16], generator: gen), c);
        output.WriteLine($"random z mse {(other - target).square().mean().item<float>():0.#####}");
        using var otherc = TinyGenerator.Draw(g, z, tensor(new float[] { 1, 0, 0, 1, 0 }));
        output.WriteLine($"other c mse {(otherc - target).square().mean().item<float>():0.#####}");
        foreach (var steps in new[] { 150 })
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            using var r = Projector.Project(g, target, new ProjectionOptions { Steps = steps, Restarts = 2, Seed = 1 });
            output.WriteLine($"steps {steps}: mse {r.PixelMse:0.######} psnr {r.Psnr:0.##} best {r.BestRestart} losses {string.Join(",", r.RestartLosses.Select(l => l.ToString("0.#####")))} attrs {string.Join(",", r.Attributes)} cond {string.Join(",", r.Condition.data<float>().ToArray().Select(v => v.ToString("0.##")))} z-dist {(r.Z - z).norm().item<float>():0.##} |z| {r.Z.norm().item<float>():0.##} vs {z.norm().item<float>():0.##} {sw.ElapsedMilliseconds} ms");
            foreach (var s in r.CurveOf(r.BestRestart).Where(s => s.Step % 25 == 0)) output.WriteLine($"  {s}");
        }
    }
}
