using TorchSharp;
using TorchSharp.Modules;
using WaifuLab.Models;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace WaifuLab.Cli.Commands;

/// <summary>
/// The DCGAN iteration written by hand in plain TorchSharp, as pytorch/examples writes it, with no trainer around it:
/// the yardstick <c>waifulab bench</c> measures the trainer against.
/// </summary>
sealed class BareDcganLoop : IDisposable
{
    readonly DcganGenerator _g;
    readonly DcganDiscriminator _d;
    readonly Adam _optG, _optD;
    readonly Device _device;
    readonly int _nz;

    public BareDcganLoop(GanModelOptions model, Device device)
    {
        _device = device;
        _nz = model.Nz;
        _g = new DcganGenerator(model);
        _d = new DcganDiscriminator(model);
        DcganInit.Apply(_g);
        DcganInit.Apply(_d);
        _g.to(device);
        _d.to(device);
        _optG = optim.Adam(_g.parameters(), lr: 2e-4, beta1: 0.5, beta2: 0.999);
        _optD = optim.Adam(_d.parameters(), lr: 2e-4, beta1: 0.5, beta2: 0.999);
    }

    public (double LossD, double LossG) Step(Tensor real)
    {
        using var scope = NewDisposeScope();
        long n = real.shape[0];
        var ones = torch.ones(n, device: _device);
        var zeros = torch.zeros(n, device: _device);

        _optD.zero_grad();
        var errReal = F.binary_cross_entropy_with_logits(_d.forward(real), ones);
        var fake = _g.forward(randn(n, _nz, device: _device));
        var errFake = F.binary_cross_entropy_with_logits(_d.forward(fake.detach()), zeros);
        var errD = errReal + errFake;
        errD.backward();
        _optD.step();

        _optG.zero_grad();
        var errG = F.binary_cross_entropy_with_logits(_d.forward(fake), ones);
        errG.backward();
        _optG.step();
        return (errD.item<float>(), errG.item<float>());
    }

    public void Dispose()
    {
        _optG.Dispose();
        _optD.Dispose();
        _g.Dispose();
        _d.Dispose();
    }
}
