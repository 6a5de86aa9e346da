using TorchSharp;
using static TorchSharp.torch;

namespace WaifuLab.Models.Style;

/// <summary>
/// StyleGAN2's FullyConnectedLayer: weights stored as N(0,1)/lrMultiplier and scaled by lrMultiplier/sqrt(in) at run
/// time (equalized learning rate), bias scaled by lrMultiplier; optional leaky ReLU with gain sqrt(2). The mapping
/// network's lrMultiplier of 0.01 makes its weights learn 100x slower than Adam's step alone would.
/// </summary>
public sealed class EqualizedLinear : nn.Module<Tensor, Tensor>, ISeededInit
{
    readonly TorchSharp.Modules.Parameter weight, bias;
    readonly double _weightGain, _biasGain, _lrMultiplier, _biasInit;
    readonly bool _activation;

    public EqualizedLinear(string name, int inFeatures, int outFeatures, bool activation = false, double lrMultiplier = 1, double biasInit = 0) : base(name)
    {
        weight = new TorchSharp.Modules.Parameter(zeros(outFeatures, inFeatures));
        bias = new TorchSharp.Modules.Parameter(zeros(outFeatures));
        _lrMultiplier = lrMultiplier;
        _biasInit = biasInit;
        _weightGain = lrMultiplier / Math.Sqrt(inFeatures);
        _biasGain = lrMultiplier;
        _activation = activation;
        RegisterComponents();
        Initialize(null);
    }

    public void Initialize(Generator? generator)
    {
        using var _ = no_grad();
        using var draw = randn(weight.shape, dtype: float32, device: CPU, generator: generator);
        weight.copy_(draw.div_(_lrMultiplier));
        bias.fill_(_biasInit); // effective bias = biasInit * lrMultiplier, as in the reference
    }

    public override Tensor forward(Tensor x)
    {
        var y = nn.functional.linear(x, weight * _weightGain, bias * _biasGain);
        return _activation ? nn.functional.leaky_relu(y, 0.2) * Math.Sqrt(2) : y;
    }
}
