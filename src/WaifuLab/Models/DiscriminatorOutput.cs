using static TorchSharp.torch;

namespace WaifuLab.Models;

/// <summary>
/// What D says about a batch: the real/fake logit (N) and, for AC-GAN, the attribute logits (N,C)
/// (softmax per categorical block, sigmoid per continuous entry; see <see cref="WaifuLab.Conditional.AuxiliaryLoss"/>). Unconditional and conditional discriminators alike answer with it (<see cref="IGanDiscriminator"/>); the caller owns both.
/// </summary>
public readonly record struct DiscriminatorOutput(Tensor Logit, Tensor? Attributes);
