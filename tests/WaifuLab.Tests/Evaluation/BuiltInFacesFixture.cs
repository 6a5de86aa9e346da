using System.Diagnostics;
using WaifuLab.Backend;
using WaifuLab.Data;
using WaifuLab.Data.Synthetic;
using WaifuLab.Evaluation;

namespace WaifuLab.Tests.Evaluation;

/// <summary>
/// One attribute classifier trained on built-in faces for the whole class. Sized for a test on a loaded 2-core
/// machine: 32 px (a quarter of 64 px's pixels; hair and eye colour are still several pixels wide), 3,000 training
/// faces, 10 epochs (8 reached 95.2 % on eyes: too close to the line), 128 features (a quarter of the default's multiply-adds). The default 64 px classifier is
/// measured by `waifulab eval --classifier-only` instead (see Evaluation/README.md).
/// </summary>
public sealed class BuiltInFacesFixture : IDisposable
{
    /// <summary>Test classes sharing this one classifier (trained once, ~10-30 s).</summary>
    public const string Collection = "built-in faces classifier";

    public static readonly AttributeClassifierOptions Options = new(Epochs: 10, BatchSize: 64, Lr: 2e-3, Features: 128, Seed: 1, Device: ComputeDevice.Cpu);

    public BuiltInFacesFixture()
    {
        var clock = Stopwatch.StartNew();
        Train = BuiltInFaces.Make(0, 3300);           // 2,970 to train on, 330 held out by the classifier itself
        HeldOut = BuiltInFaces.Make(10_000, 1000);    // never seen by the classifier: the "real" set of evaluations
        Other = BuiltInFaces.Make(20_000, 300);       // more unseen faces: what a perfect generator would draw
        DrawSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        (Classifier, Report) = AttributeClassifier.Train(Train, SyntheticFaces.Schema, Options);
        TrainSeconds = clock.Elapsed.TotalSeconds;
    }

    public ImageDataset Train { get; }
    public ImageDataset HeldOut { get; }
    public ImageDataset Other { get; }
    public AttributeClassifier Classifier { get; }
    public ClassifierReport Report { get; }
    public double DrawSeconds { get; }
    public double TrainSeconds { get; }

    public void Dispose()
    {
        Classifier.Dispose();
        Train.Dispose();
        HeldOut.Dispose();
        Other.Dispose();
    }
}

[CollectionDefinition(BuiltInFacesFixture.Collection)]
public sealed class BuiltInFacesCollection : ICollectionFixture<BuiltInFacesFixture>;
