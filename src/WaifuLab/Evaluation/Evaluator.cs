using System.Diagnostics;
using WaifuLab.Backend;
using WaifuLab.Data;
using static TorchSharp.torch;

namespace WaifuLab.Evaluation;

/// <summary>
/// Scores generators against one real image set with one classifier. The real set's features, statistics and
/// real-vs-real floor are computed once and kept, so a trainer can evaluate every few epochs cheaply; only the
/// generated images are new each time. Generator-agnostic: it takes a function n -> (n,3,S,S) in [-1,1].
/// </summary>
public sealed class Evaluator : IDisposable
{
    private readonly AttributeClassifier classifier;
    private readonly ImageDataset real;
    private Tensor? realFeatures;
    private FeatureStatistics? realStatistics;
    private readonly Dictionary<(int Count, int Seed), (double Fid, KidResult Kid)> floors = [];

    /// <param name="classifier">Feature network; not owned (dispose it yourself).</param>
    /// <param name="real">The real images (labels not needed); not owned.</param>
    public Evaluator(AttributeClassifier classifier, ImageDataset real)
    {
        TorchBackend.EnsureLoaded();
        if (real.Size < classifier.ImageSize || real.Size % classifier.ImageSize != 0)
            throw new ArgumentException($"the real images are {real.Size} px but the classifier reads {classifier.ImageSize} px; use a classifier trained at {real.Size} px (or at a whole fraction of it)");
        if (real.Count < 8)
            throw new ArgumentException($"the real set {real.Source} holds {real.Count} images; an evaluation needs at least 8 (two halves for the floor, each split again by KID)");
        this.classifier = classifier;
        this.real = real;
    }

    public int RealCount => real.Count;

    /// <summary>
    /// Side of the images it scores (the real set's size). When that is a whole multiple of the classifier's size (128 px
    /// images, a 64 px classifier), real and generated images alike are shrunk to the classifier's size by averaging each
    /// k x k block of pixels (area downsampling) before the classifier reads them, so both sides go through the same path.
    /// </summary>
    public int ImageSize => real.Size;

    /// <summary>Features of the whole real set (computed on first use and kept).</summary>
    public Tensor RealFeatures => realFeatures ??= Factor == 1 ? classifier.Features(real.Images) : RealFeaturesDownsampled();

    int Factor => real.Size / classifier.ImageSize;

    Tensor RealFeaturesDownsampled()
    {
        int offset = 0;
        return classifier.Features(n => { var x = real.Images.narrow(0, offset, n); offset += n; return ClassifierInput(x); }, real.Count, 256);
    }

    /// <summary>Images of <see cref="ImageSize"/> as the classifier reads them (area-downsampled when it reads smaller ones).</summary>
    Tensor ClassifierInput(Tensor images)
    {
        if (images.dim() != 4 || images.shape[2] != real.Size || images.shape[3] != real.Size)
            throw new ArgumentException($"the evaluator scores {real.Size} px images (its real set's size); got shape ({string.Join(",", images.shape)})", nameof(images));
        return Factor == 1 ? images.alias() : nn.functional.avg_pool2d(images, Factor);
    }

    FeatureStatistics RealStatistics => realStatistics ??= FeatureStatistics.FromFeatures(RealFeatures);

    /// <summary>Scores <see cref="EvaluationOptions.Count"/> images drawn from <paramref name="generate"/> (n -> (n,3,S,S) in [-1,1]).</summary>
    public EvaluationReport Evaluate(Func<int, Tensor> generate, EvaluationOptions? options = null)
    {
        options ??= new EvaluationOptions();
        options.Validate();
        var clock = Stopwatch.StartNew();
        using var fake = classifier.Features(n => { using var x = generate(n); return ClassifierInput(x); }, options.Count, options.BatchSize);
        return Score(fake, options, clock);
    }

    /// <summary>Scores a given set of generated images (N,3,S,S) in [-1,1]; <see cref="EvaluationOptions.Count"/> is ignored.</summary>
    public EvaluationReport Evaluate(Tensor fakeImages, EvaluationOptions? options = null)
    {
        options ??= new EvaluationOptions();
        options = options with { Count = (int)fakeImages.shape[0] };
        options.Validate();
        var clock = Stopwatch.StartNew();
        using var input = ClassifierInput(fakeImages);
        using var fake = classifier.Features(input, options.BatchSize);
        return Score(fake, options, clock);
    }

    EvaluationReport Score(Tensor fake, EvaluationOptions options, Stopwatch clock)
    {
        int n = (int)fake.shape[0];
        int dims = (int)fake.shape[1];
        var warnings = new List<string>();
        double fid = Fid.Compute(FeatureStatistics.FromFeatures(fake), RealStatistics);
        var kid = Kid.Compute(fake, RealFeatures, options.KidSubsets, options.KidSubsetSize, options.Seed);

        // The floor compares two disjoint real halves, each the size of the generated set where the real set
        // allows it: FID is biased upwards at small N, so the floor must be measured at the same N to compare.
        int floorCount = Math.Min(n, real.Count / 2);
        if (!floors.TryGetValue((floorCount, options.Seed), out var floor))
        {
            using var scope = NewDisposeScope();
            var order = randperm(real.Count, generator: new Generator((ulong)options.Seed));
            var a = RealFeatures.index_select(0, order.narrow(0, 0, floorCount));
            var b = RealFeatures.index_select(0, order.narrow(0, floorCount, floorCount));
            floor = (floorCount >= 2 ? Fid.Compute(a, b) : double.NaN,
                     Kid.Compute(a, b, options.KidSubsets, options.KidSubsetSize, options.Seed));
            floors[(floorCount, options.Seed)] = floor;
        }

        if (n < dims)
            warnings.Add($"{n} generated samples in {dims} feature dimensions: the covariance is singular and FID is unreliable; use at least {dims}, and 2,000+ for a stable FID (KID is usable at this size)");
        else if (n < 2000)
            warnings.Add($"{n} generated samples: FID is biased upwards at small N and varies from draw to draw; compare runs at the same count, or use 2,000+");
        if (floorCount < n)
            warnings.Add($"the real set holds {real.Count} images, so the floor compares two halves of {floorCount}, fewer than the {n} generated: the floor is higher than it would be at {n}");

        PrecisionRecallResult? pr = options.PrecisionRecall ? PrecisionRecall.Compute(RealFeatures, fake, options.K) : null;
        return new EvaluationReport(fid, floor.Fid, kid, floor.Kid, pr, n, real.Count, floorCount, dims, warnings, clock.Elapsed);
    }

    public void Dispose() => realFeatures?.Dispose();
}
