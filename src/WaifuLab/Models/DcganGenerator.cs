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
public sealed class DcganGenerator : Module<Tensor, Tensor>, IGanGenerator
{
    private readonly Sequential main;

    public DcganGenerator(GanModelOptions options) : base(nameof(DcganGenerator))
    {
        Options = options.Validate();
        main = DcganBlocks.Upsampler(options.Nz, options.Ngf, options.Stages, options.ExtraBlocks, rgbName: $"convt{options.Stages}");
        RegisterComponents();
    }

    public GanModelOptions Options { get; }

    public int Nz => Options.Nz;

    public override Tensor forward(Tensor z)
    {
        if (z.dim() == 2) return main.forward(z.view(z.shape[0], z.shape[1], 1, 1));
        if (z.dim() == 4 && z.shape[2] == 1 && z.shape[3] == 1) return main.forward(z);
        throw new ArgumentException($"noise must have shape (N,{Options.Nz}) or (N,{Options.Nz},1,1), got ({string.Join(",", z.shape)})", nameof(z));
    }

    public Tensor Generate(Tensor z, Tensor? c) => c is null ? forward(z)
        : throw new ArgumentException("this generator is unconditional: it takes no conditions (train a conditional run to sample by attribute)", nameof(c));
}
