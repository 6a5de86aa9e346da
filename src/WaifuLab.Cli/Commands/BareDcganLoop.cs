using TorchSharp;
using TorchSharp.Modules;
using WaifuLab.Models;
using WaifuLab.Training;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace WaifuLab.Cli.Commands;

/// <summary>
/// The DCGAN iteration written by hand in plain TorchSharp, as pytorch/examples writes it, with no trainer around it:
/// the yardstick <c>waifulab bench</c> measures the trainer against. G and D are the factory's models of the run's
/// architecture (dcgan, style, resnet), so the same model is timed in both.
/// </summary>
sealed class BareDcganLoop : IDisposable
{
    readonly nn.Module _gModule, _dModule;
    readonly IGanGenerator _g;
    readonly IGanDiscriminator _d;
    readonly Adam _optG, _optD;
    readonly Device _device;
    readonly int _nz;

    public BareDcganLoop(WaifuLab.Training.TrainOptions options, Device device)
    {
        _device = device;
        _nz = options.Model.Nz;
        using (var init = new Generator(7, CPU)) (_gModule, _dModule) = ModelFactory.Create(options, null, init, device);
        _g = (IGanGenerator)_gModule;
        _d = (IGanDiscriminator)_dModule;
        _gModule.train();
        _dModule.train();
        _optG = optim.Adam(_gModule.parameters(), lr: options.LrG, beta1: options.Beta1, beta2: options.Beta2);
        _optD = optim.Adam(_dModule.parameters(), lr: options.LrD, beta1: options.Beta1, beta2: options.Beta2);
    }

    public (double LossD, double LossG) Step(Tensor real)
    {
        using var scope = NewDisposeScope();
        long n = real.shape[0];
        var ones = torch.ones(n, device: _device);
        var zeros = torch.zeros(n, device: _device);

        _optD.zero_grad();
        var errReal = F.binary_cross_entropy_with_logits(_d.Judge(real, null).Logit, ones);
        var fake = _g.Generate(randn(n, _nz, device: _device), null);
        var errFake = F.binary_cross_entropy_with_logits(_d.Judge(fake.detach(), null).Logit, zeros);
        var errD = errReal + errFake;
        errD.backward();
        _optD.step();

        _optG.zero_grad();
        var errG = F.binary_cross_entropy_with_logits(_d.Judge(fake, null).Logit, ones);
        errG.backward();
        _optG.step();
        return (errD.item<float>(), errG.item<float>());
    }

    public void Dispose()
    {
        _optG.Dispose();
        _optD.Dispose();
        _gModule.Dispose();
        _dModule.Dispose();
    }
}
