using WaifuLab.Backend;

namespace WaifuLab.Evaluation;

/// <summary>
/// How the attribute classifier is trained. The defaults are sized for a 2-core CPU: 8 epochs over at most 6,000
/// images with 128 features. Measured on the built-in faces, epochs matter more than images: 2 epochs over 6,000
/// 64 px faces (256 features, lr 1e-3) read hair at 85 % and eyes at 27 %, while 8 epochs over 3,000 32 px faces
/// (128 features, lr 2e-3) read both at >= 95 % (see docs/evaluation.md).
/// </summary>
/// <param name="Epochs">Passes over the training split.</param>
/// <param name="BatchSize">Images per step (at least 2: batch norm needs a spread).</param>
/// <param name="Lr">Adam learning rate.</param>
/// <param name="TrainImages">Train on at most this many images of the training split (null: all); the held-out split is unaffected.
/// 6,000 keeps the cost near 50,000 image passes whatever the dataset's size.</param>
/// <param name="HoldOutFraction">Share of images kept out of training to measure accuracy (0 to skip).</param>
/// <param name="Seed">Seeds the split, the weights, the shuffling and the flips.</param>
/// <param name="Features">Width of the feature vector (the last stage's channels); stages are F/8, F/4, F/2, F. 128 costs a
/// quarter of 256's multiply-adds, and FID on 500 samples (during training) is better conditioned in fewer dimensions.</param>
/// <param name="FlipAugment">Mirror half the training images at random; right for faces, wrong if an attribute is left/right.</param>
/// <param name="Device">Where to train and run the network; not part of the cache key.</param>
public sealed record AttributeClassifierOptions(
    int Epochs = 8,
    int BatchSize = 64,
    double Lr = 2e-3,
    double HoldOutFraction = 0.1,
    int? TrainImages = 6000,
    int Seed = 1,
    int Features = 128,
    bool FlipAugment = true,
    ComputeDevice Device = ComputeDevice.Auto)
{
    internal void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"Epochs must be at least 1, got {Epochs}");
        if (BatchSize < 2) throw new ArgumentException($"BatchSize must be at least 2 (batch norm), got {BatchSize}");
        if (!(Lr > 0) || !double.IsFinite(Lr)) throw new ArgumentException($"Lr must be a positive number, got {Lr}");
        if (!(HoldOutFraction >= 0 && HoldOutFraction < 1)) throw new ArgumentException($"HoldOutFraction must be in [0, 1), got {HoldOutFraction}");
        if (TrainImages is < 2) throw new ArgumentException($"TrainImages must be at least 2 (or null for all), got {TrainImages}");
        if (Features < 8 || Features % 8 != 0) throw new ArgumentException($"Features must be a positive multiple of 8, got {Features}");
    }
}
