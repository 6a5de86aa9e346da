using static TorchSharp.torch;

namespace WaifuLab.Models;

/// <summary>
/// D as the objective sees it: one real/fake logit per image (and attribute logits when D has an attribute head) for
/// images x (N,3,S,S) and, for a conditional model, their conditions c (N,C); c is null for an unconditional one.
/// </summary>
public interface IGanDiscriminator
{
    DiscriminatorOutput Judge(Tensor x, Tensor? c);
}
