using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace WaifuLab.Conditional;

/// <summary>
/// Conditional BatchNorm (de Vries et al. 2017; the generator of Miyato and Koyama's projection cGAN, BigGAN):
/// y = BN(x) * (1 + c W_gamma) + c W_beta. c reaches every stage of G this way instead of having to survive four
/// upsamplings from G's 1x1 input (measured at the cgan-quick scale with a projection D: hair colour as requested 74 % -> 100 %).
/// W_gamma and W_beta start at zero: an untrained conditional BatchNorm is the plain DCGAN BatchNorm.
/// </summary>
public sealed class ConditionalBatchNorm2d : Module<Tensor, Tensor, Tensor>
{
    private readonly BatchNorm2d bn;
    private readonly Parameter gamma;
    private readonly Parameter beta;

    public ConditionalBatchNorm2d(int channels, int conditionSize) : base(nameof(ConditionalBatchNorm2d))
    {
        bn = BatchNorm2d(channels);
        gamma = Parameter(zeros(conditionSize, channels));
        beta = Parameter(zeros(conditionSize, channels));
        RegisterComponents();
    }

    /// <summary>x (N,channels,H,W) and c (N,conditionSize) -> (N,channels,H,W).</summary>
    public override Tensor forward(Tensor x, Tensor c)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], channels = x.shape[1];
        var scale = (c.matmul(gamma) + 1).view(n, channels, 1, 1);
        var shift = c.matmul(beta).view(n, channels, 1, 1);
        return (bn.forward(x) * scale + shift).MoveToOuterDisposeScope();
    }
}
