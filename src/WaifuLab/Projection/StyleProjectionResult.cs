using static TorchSharp.torch;

namespace WaifuLab.Projection;

/// <summary>
/// Where a target image lives in a style generator: the best restart's ws (1,NumWs,wDim; all rows equal for a W
/// projection), G's image of them, its errors and every restart's curve. Tensors are float32 on the CPU and owned here.
/// </summary>
public sealed class StyleProjectionResult : IDisposable
{
    public required Tensor Ws { get; init; }
    /// <summary>True for a W+ projection (one w per layer), false for W (one w for all).</summary>
    public required bool WPlus { get; init; }
    /// <summary>G's image of <see cref="Ws"/>, (1,3,S,S).</summary>
    public required Tensor Reconstruction { get; init; }
    /// <summary>Mean squared pixel error to the target, on the [-1,1] scale.</summary>
    public required double PixelMse { get; init; }
    /// <summary>PSNR in dB for a peak-to-peak range of 2 (the [-1,1] images): 10·log10(4 / PixelMse).</summary>
    public double Psnr => 10 * Math.Log10(4 / PixelMse);
    /// <summary>Squared distance of unit-length classifier features (in [0,4]); NaN without a classifier.</summary>
    public required double FeatureDistance { get; init; }
    public required int BestRestart { get; init; }
    public required IReadOnlyList<double> RestartLosses { get; init; }
    public required IReadOnlyList<ProjectionStep> Curve { get; init; }
    public required TimeSpan Elapsed { get; init; }

    public void Dispose()
    {
        Ws.Dispose();
        Reconstruction.Dispose();
    }
}
