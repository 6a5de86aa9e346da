using WaifuLab.Backend;
using static TorchSharp.torch;

namespace WaifuLab.Evaluation;

/// <summary>
/// Improved precision and recall (Kynkaanniemi et al. 2019): each set's manifold is the union of balls around
/// its samples with radius the distance to the k-th nearest neighbour in the same set; precision is the share
/// of fake samples inside the real manifold, recall the share of real samples inside the fake manifold.
/// </summary>
public static class PrecisionRecall
{
    const int RowBlock = 1024;   // pairwise distances in blocks of rows, so 10k x 10k never sits in memory at once

    public static PrecisionRecallResult Compute(Tensor real, Tensor fake, int k = 3)
    {
        TorchBackend.EnsureLoaded();
        if (real.dim() != 2 || fake.dim() != 2 || real.shape[1] != fake.shape[1])
            throw new ArgumentException($"features must be (N,F) with the same F, got ({string.Join(",", real.shape)}) and ({string.Join(",", fake.shape)})");
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1");
        if (real.shape[0] <= k || fake.shape[0] <= k)
            throw new ArgumentException($"each set needs more than k = {k} samples; got {real.shape[0]} real and {fake.shape[0]} fake");
        using var scope = NewDisposeScope();
        var r = real.to(float32, CPU);
        var f = fake.to(float32, CPU);
        var realRadii = KthNeighbourRadii(r, k);
        var fakeRadii = KthNeighbourRadii(f, k);
        double precision = CoveredShare(f, r, realRadii);
        double recall = CoveredShare(r, f, fakeRadii);
        return new PrecisionRecallResult(precision, recall, k);
    }

    /// <summary>Distance from each sample to its k-th nearest other sample in the same set.</summary>
    static Tensor KthNeighbourRadii(Tensor x, int k)
    {
        var parts = new List<Tensor>();
        for (long start = 0; start < x.shape[0]; start += RowBlock)
        {
            using var inner = NewDisposeScope();
            var d = cdist(x.narrow(0, start, Math.Min(RowBlock, x.shape[0] - start)), x);
            // The smallest distance is the sample to itself (0); the (k+1)-th smallest is the k-th neighbour.
            var (values, _) = d.topk(k + 1, dim: 1, largest: false, sorted: true);
            parts.Add(values.select(1, k).MoveToOuterDisposeScope());
        }
        return cat(parts, 0);
    }

    /// <summary>Share of <paramref name="queries"/> within the radius of at least one sample of <paramref name="manifold"/>.</summary>
    static double CoveredShare(Tensor queries, Tensor manifold, Tensor radii)
    {
        long covered = 0;
        for (long start = 0; start < queries.shape[0]; start += RowBlock)
        {
            using var inner = NewDisposeScope();
            var d = cdist(queries.narrow(0, start, Math.Min(RowBlock, queries.shape[0] - start)), manifold);
            covered += (d <= radii.unsqueeze(0)).any(1).sum().item<long>();
        }
        return (double)covered / queries.shape[0];
    }
}
