using WaifuLab.Data;
using static TorchSharp.torch;

namespace WaifuLab.Projection;

/// <summary>
/// Where a target image lives in a conditional generator: the best restart's z (1,nz) and condition (1,C), G's image
/// of them, its errors, and every restart's curve. Tensors are float32 on the CPU and owned by the result.
/// </summary>
public sealed class ProjectionResult : IDisposable
{
    public required Tensor Z { get; init; }
    /// <summary>The optimised condition: a softmax per categorical block, a [0,1] value per continuous attribute.</summary>
    public required Tensor Condition { get; init; }
    /// <summary>G(Z, Condition), (1,3,S,S) in [-1,1].</summary>
    public required Tensor Reconstruction { get; init; }
    /// <summary>Mean squared pixel error to the target, on the [-1,1] scale.</summary>
    public required double PixelMse { get; init; }
    /// <summary>PSNR in dB for a peak-to-peak range of 2 (the [-1,1] images): 10·log10(4 / PixelMse).</summary>
    public double Psnr => 10 * Math.Log10(4 / PixelMse);
    /// <summary>Squared distance of unit-length classifier features (LPIPS-like, in [0,4]); NaN without a classifier.</summary>
    public required double FeatureDistance { get; init; }
    /// <summary>Index of the restart kept.</summary>
    public required int BestRestart { get; init; }
    /// <summary>Each restart's final loss (without noise), indexed by restart.</summary>
    public required IReadOnlyList<double> RestartLosses { get; init; }
    /// <summary>Every restart's loss and pixel MSE per step, ordered by step then restart.</summary>
    public required IReadOnlyList<ProjectionStep> Curve { get; init; }
    /// <summary>The generator's schema, when it has one (editing by name needs it).</summary>
    public LabelSchema? Schema { get; init; }
    /// <summary>The condition read as attribute values (arg-max per categorical block), or c0, c1, ... without a schema.</summary>
    public required IReadOnlyDictionary<string, string> Attributes { get; init; }
    public required TimeSpan Elapsed { get; init; }

    /// <summary>The curve of one restart, in step order.</summary>
    public IReadOnlyList<ProjectionStep> CurveOf(int restart) => Curve.Where(s => s.Restart == restart).ToList();

    public void Dispose()
    {
        Z.Dispose();
        Condition.Dispose();
        Reconstruction.Dispose();
    }
}
