using TorchSharp;
using static TorchSharp.torch;

namespace WaifuLab.Models.Style;

/// <summary>
/// StyleGAN2's toRGB: a 1x1 modulated conv without demodulation (styles scaled by 1/sqrt(in)), plus bias, no
/// activation. Every resolution adds its RGB to the upsampled image of the one before (the skip architecture).
/// </summary>
public sealed class ToRgbLayer : nn.Module<Tensor, Tensor, Tensor>, ISeededInit
{
    readonly EqualizedLinear affine;
    readonly TorchSharp.Modules.Parameter weight, bias;
    readonly double _gain;

    public ToRgbLayer(string name, int wDim, int inChannels) : base(name)
    {
        affine = new EqualizedLinear("affine", wDim, inChannels, biasInit: 1);
        weight = new TorchSharp.Modules.Parameter(zeros(3, inChannels, 1, 1));
        bias = new TorchSharp.Modules.Parameter(zeros(3));
        _gain = 1 / Math.Sqrt(inChannels);
        RegisterComponents();
        Initialize(null);
    }

    public void Initialize(Generator? generator)
    {
        using var _ = no_grad();
        using (var w = randn(weight.shape, dtype: float32, device: CPU, generator: generator)) weight.copy_(w);
        bias.zero_();
    }

    public override Tensor forward(Tensor x, Tensor w) =>
        ModulatedConv.Apply(x, weight, affine.forward(w) * _gain, demodulate: false) + bias.reshape(1, -1, 1, 1);
}
