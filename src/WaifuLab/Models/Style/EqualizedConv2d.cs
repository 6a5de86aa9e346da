using TorchSharp;
using static TorchSharp.torch;

namespace WaifuLab.Models.Style;

/// <summary>
/// StyleGAN2's Conv2dLayer for D: equalized learning rate (N(0,1) weights scaled by 1/sqrt(fan_in) at run time),
/// optional bias, optional leaky ReLU with gain sqrt(2), optional 2x downsampling after the conv (a 2x2 box filter
/// where the reference uses a [1,3,3,1] FIR filter).
/// </summary>
public sealed class EqualizedConv2d : nn.Module<Tensor, Tensor>, ISeededInit
{
    readonly TorchSharp.Modules.Parameter weight;
    readonly TorchSharp.Modules.Parameter? bias;
    readonly double _gain;
    readonly bool _activation, _down;
    readonly long _padding;

    public EqualizedConv2d(string name, int inChannels, int outChannels, int kernel, bool bias = true, bool activation = true, bool down = false) : base(name)
    {
        weight = new TorchSharp.Modules.Parameter(zeros(outChannels, inChannels, kernel, kernel));
        this.bias = bias ? new TorchSharp.Modules.Parameter(zeros(outChannels)) : null;
        _gain = 1 / Math.Sqrt(inChannels * kernel * kernel);
        _activation = activation;
        _down = down;
        _padding = kernel / 2;
        RegisterComponents();
        Initialize(null);
    }

    public void Initialize(Generator? generator)
    {
        using var _ = no_grad();
        using var draw = randn(weight.shape, dtype: float32, device: CPU, generator: generator);
        weight.copy_(draw);
        bias?.zero_();
    }

    public override Tensor forward(Tensor x)
    {
        var y = nn.functional.conv2d(x, weight * _gain, bias, padding: [_padding, _padding]);
        if (_down) y = nn.functional.avg_pool2d(y, 2);
        return _activation ? nn.functional.leaky_relu(y, 0.2) * Math.Sqrt(2) : y;
    }
}
