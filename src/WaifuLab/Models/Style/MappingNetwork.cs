using TorchSharp;
using static TorchSharp.torch;

namespace WaifuLab.Models.Style;

/// <summary>
/// StyleGAN's mapping network z -> w: z normalised to unit second moment, then <see cref="StyleModelOptions.MappingLayers"/>
/// fully connected layers with leaky ReLU and a learning-rate multiplier (0.01 in the paper). In training mode it
/// tracks the moving average of w (beta 0.995), the centre the truncation trick pulls towards.
/// </summary>
public sealed class MappingNetwork : nn.Module<Tensor, Tensor>
{
    // Held for the process: a temporary Scalar from "x + 1e-8" can be finalized by the GC while libtorch still reads it
    // (dotnet/TorchSharp#1434; a projection test failed with "Expected false to be true" in Scalar::toFloat).
    static readonly TorchSharp.Scalar Epsilon = 1e-8;

    readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> layers;
    readonly Tensor w_avg;
    readonly double _beta;

    public MappingNetwork(string name, int nz, StyleModelOptions options) : base(name)
    {
        layers = new TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>>();
        for (int i = 0; i < options.MappingLayers; i++)
            layers.Add(new EqualizedLinear($"fc{i}", i == 0 ? nz : options.WDim, options.WDim, activation: true, lrMultiplier: options.MappingLrMultiplier));
        w_avg = zeros(options.WDim);
        _beta = options.WAvgBeta;
        RegisterComponents();
    }

    /// <summary>The tracked average w (wDim).</summary>
    public Tensor WAvg => w_avg;

    /// <summary>z (N,nz) -> w (N,wDim); updates the w average when training and <paramref name="trackAverage"/>.</summary>
    public Tensor forward(Tensor z, bool trackAverage)
    {
        var x = z * (z.square().mean([1], keepdim: true) + Epsilon).rsqrt();
        foreach (var layer in layers) x = layer.forward(x);
        if (training && trackAverage)
            using (no_grad()) w_avg.copy_(x.detach().mean([0]).lerp(w_avg, _beta));
        return x;
    }

    public override Tensor forward(Tensor z) => forward(z, trackAverage: true);
}
