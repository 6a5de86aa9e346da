using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace WaifuLab.Models;

/// <summary>
/// DCGAN generator: z (N,nz) or (N,nz,1,1) -> image (N,3,S,S) in [-1,1]. A 4x4 transposed conv from the noise,
/// then 4/2/1 transposed-conv stages halving the width each time, BatchNorm+ReLU between, Tanh out; no conv biases
/// (BatchNorm makes them redundant). At 64 px, ngf 64, nz 100 this is exactly the pytorch/examples model.
/// </summary>
public sealed class DcganGenerator : Module<Tensor, Tensor>
{
    private readonly Sequential main;

    public DcganGenerator(GanModelOptions options) : base(nameof(DcganGenerator))
    {
        Options = options.Validate();
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        long width = (long)options.Ngf * options.TopMultiplier;
        layers.Add(("convt0", ConvTranspose2d(options.Nz, width, 4, stride: 1, padding: 0L, bias: false)));
        layers.Add(("bn0", BatchNorm2d(width)));
        layers.Add(("relu0", ReLU(inplace: true)));
        for (int stage = 1; stage <= options.Stages; stage++)
        {
            for (int b = 0; b < options.ExtraBlocks; b++)
            {
                layers.Add(($"extra{stage - 1}_{b}", Conv2d(width, width, 3, stride: 1, padding: 1L, bias: false)));
                layers.Add(($"extra{stage - 1}_{b}_bn", BatchNorm2d(width)));
                layers.Add(($"extra{stage - 1}_{b}_relu", ReLU(inplace: true)));
            }
            bool last = stage == options.Stages;
            long next = last ? 3 : width / 2;
            layers.Add(($"convt{stage}", ConvTranspose2d(width, next, 4, stride: 2, padding: 1L, bias: false)));
            if (last)
            {
                layers.Add(("tanh", Tanh()));
            }
            else
            {
                layers.Add(($"bn{stage}", BatchNorm2d(next)));
                layers.Add(($"relu{stage}", ReLU(inplace: true)));
            }
            width = next;
        }
        main = Sequential(layers);
        RegisterComponents();
    }

    public GanModelOptions Options { get; }

    public override Tensor forward(Tensor z)
    {
        if (z.dim() == 2) return main.forward(z.view(z.shape[0], z.shape[1], 1, 1));
        if (z.dim() == 4 && z.shape[2] == 1 && z.shape[3] == 1) return main.forward(z);
        throw new ArgumentException($"noise must have shape (N,{Options.Nz}) or (N,{Options.Nz},1,1), got ({string.Join(",", z.shape)})", nameof(z));
    }
}
