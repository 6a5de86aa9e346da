using WaifuLab.Stabilizers;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Stabilizers;

// Runs alone: other test classes creating modules in parallel would draw from the global generator between the
// ablation's manual_seed and its module construction, and break the same-seed reproduction this test checks.
[CollectionDefinition(nameof(StabilizerAblationTests), DisableParallelization = true)]
public class StabilizerAblationCollection;

[Collection(nameof(StabilizerAblationTests))]
public class StabilizerAblationTests
{
    [Fact]
    public void Each_preset_gets_a_row_and_the_same_seed_reproduces_a_run_exactly()
    {
        using var data = TinyGan.Batch(16, 9);
        var setup = new AblationSetup { Iterations = 4, BatchSize = 4, LatentSize = TinyGan.Nz, Samples = 6, Dominance = new DominanceOptions { Window = 2 } };
        var rows = StabilizerAblation.Run(["none", "hinge", "none"], TinyGan.G, TinyGan.D, data, setup);
        try
        {
            Assert.Equal(["none", "hinge", "none"], rows.Select(r => r.Preset));
            Assert.All(rows, r =>
            {
                Assert.Equal(4, r.History.Count);
                Assert.Equal(new long[] { 6, 3, 8, 8 }, r.Samples.shape);
                Assert.InRange(r.FlaggedShare, 0, 1);
            });
            // Same weights, batches and noise: identical histories and samples.
            Assert.Equal(rows[0].History, rows[2].History);
            Assert.True(TinyGan.Same(rows[0].Samples, rows[2].Samples));
            Assert.NotEqual(rows[0].History[^1].LossD, rows[1].History[^1].LossD);
        }
        finally
        {
            foreach (var r in rows) r.Dispose();
        }
        Assert.Throws<ArgumentException>(() => StabilizerAblation.Run(["nonsense"], TinyGan.G, TinyGan.D, data, setup));
        Assert.Throws<ArgumentException>(() => StabilizerAblation.RunOne("none", new StabilizerOptions(), TinyGan.G, TinyGan.D, zeros(3, 8), setup));
    }
}
