using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WaifuLab.Models;

/// <summary>Counts for comparing architectures in tables: parameters and weight layers (convolutions and linear maps).</summary>
public static class ModelSummary
{
    public static long Parameters(nn.Module module) => module.parameters().Sum(p => p.numel());

    /// <summary>Layers that carry weights: what "a deeper network" adds. Norms and activations are not counted.</summary>
    public static int WeightLayers(nn.Module module) =>
        module.modules().Count(m => m is Conv2d or ConvTranspose2d or Linear);
}
