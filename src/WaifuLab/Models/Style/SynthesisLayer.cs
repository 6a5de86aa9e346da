using TorchSharp;
using static TorchSharp.torch;

namespace WaifuLab.Models.Style;

/// <summary>
/// One StyleGAN2 synthesis layer: (optional 2x upsampling) -> 3x3 modulated, demodulated conv styled by its own w ->
/// per-pixel noise times a learned strength (starts at 0) -> bias -> leaky ReLU with gain sqrt(2). In training mode the
/// noise is drawn fresh (from <see cref="StyleGenerator.NoiseSource"/> when set, so a run repeats); in eval mode it is
/// the layer's fixed noise buffer, so a sample is a function of its w alone. Upsampling is bilinear where the reference
/// uses a transposed conv with a [1,3,3,1] FIR filter.
/// </summary>
public sealed class SynthesisLayer : nn.Module<Tensor, Tensor, Tensor>, ISeededInit
{
    readonly EqualizedLinear affine;
    readonly TorchSharp.Modules.Parameter weight, bias, noise_strength;
    readonly Tensor noise_const;
    readonly bool _up;
    readonly int _resolution;

    public SynthesisLayer(string name, int wDim, int inChannels, int outChannels, int resolution, bool up) : base(name)
    {
        affine = new EqualizedLinear("affine", wDim, inChannels, biasInit: 1);
        weight = new TorchSharp.Modules.Parameter(zeros(outChannels, inChannels, 3, 3));
        bias = new TorchSharp.Modules.Parameter(zeros(outChannels));
        noise_strength = new TorchSharp.Modules.Parameter(zeros(1));
        noise_const = zeros(1, 1, resolution, resolution);
        _up = up;
        _resolution = resolution;
        RegisterComponents();
        Initialize(null);
    }

    /// <summary>The generator of training-mode noise; null = libtorch's global one.</summary>
    internal Generator? NoiseSource { get; set; }

    public void Initialize(Generator? generator)
    {
        using var _ = no_grad();
        using (var w = randn(weight.shape, dtype: float32, device: CPU, generator: generator)) weight.copy_(w);
        using (var n = randn(noise_const.shape, dtype: float32, device: CPU, generator: generator)) noise_const.copy_(n);
        bias.zero_();
        noise_strength.zero_();
    }

    /// <summary>x (N,I,R',R') with R' = R/2 when upsampling, w (N,wDim) -> (N,O,R,R).</summary>
    public override Tensor forward(Tensor x, Tensor w)
    {
        if (_up) x = nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Bilinear, align_corners: false);
        var y = ModulatedConv.Apply(x, weight, affine.forward(w), demodulate: true);
        var noise = training
            ? randn([y.shape[0], 1, _resolution, _resolution], generator: NoiseSource is null ? null : NoiseSource).to(y.device)
            : noise_const;
        y = y + noise * noise_strength;
        return nn.functional.leaky_relu(y + bias.reshape(1, -1, 1, 1), 0.2) * Math.Sqrt(2);
    }
}
