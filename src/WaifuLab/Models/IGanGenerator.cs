using static TorchSharp.torch;

namespace WaifuLab.Models;

/// <summary>
/// G as the objective and the trainer see it: images (N,3,S,S) in [-1,1] from noise z (N,nz) and, for a conditional
/// model, conditions c (N,C); c is null for an unconditional one. Every architecture of <see cref="ModelFactory"/> implements it.
/// </summary>
public interface IGanGenerator
{
    /// <summary>The model's noise size nz.</summary>
    int Nz { get; }

    /// <summary>Runs G (in whatever train/eval mode it is in).</summary>
    Tensor Generate(Tensor z, Tensor? c);
}
