namespace WaifuLab.Evaluation;

/// <summary>
/// How an evaluation samples and measures.
/// </summary>
/// <param name="Count">Generated images to score. FID needs at least as many as feature dimensions (256 by default)
/// and is stable from about 2,000; KID is usable from a few hundred.</param>
/// <param name="BatchSize">Images per generator call and per classifier batch.</param>
/// <param name="KidSubsets">Random subsets KID averages over.</param>
/// <param name="KidSubsetSize">Samples per KID subset; null: half the smaller set, at most 1000.</param>
/// <param name="PrecisionRecall">Also compute k-NN precision and recall (quadratic in the sample count).</param>
/// <param name="K">Neighbour rank that sets the manifold radii for precision/recall.</param>
/// <param name="Seed">Seeds the real-vs-real split and the KID subsets (not the generator).</param>
public sealed record EvaluationOptions(
    int Count = 2000,
    int BatchSize = 100,
    int KidSubsets = 10,
    int? KidSubsetSize = null,
    bool PrecisionRecall = false,
    int K = 3,
    int Seed = 0)
{
    /// <summary>For scoring during training every few epochs on a CPU: 500 samples (above the 256 feature
    /// dimensions, so FID is defined, but biased: compare its trend within a run; KID is the steadier figure).</summary>
    public static EvaluationOptions DuringTraining => new(Count: 500, KidSubsets: 5);

    /// <summary>For final numbers: 5,000 samples with precision/recall.</summary>
    public static EvaluationOptions Final => new(Count: 5000, PrecisionRecall: true);

    internal void Validate()
    {
        if (Count < 4) throw new ArgumentException($"Count must be at least 4 generated images (KID splits them into subsets), got {Count}");
        if (BatchSize < 1) throw new ArgumentException($"BatchSize must be positive, got {BatchSize}");
        if (KidSubsets < 1) throw new ArgumentException($"KidSubsets must be at least 1, got {KidSubsets}");
        if (KidSubsetSize is < 2) throw new ArgumentException($"KidSubsetSize must be at least 2, got {KidSubsetSize}");
        if (K < 1) throw new ArgumentException($"K must be at least 1, got {K}");
    }
}
