using static TorchSharp.torch;

namespace WaifuLab.Conditional;

/// <summary>
/// What a conditional D says about a batch: the real/fake logit (N) and, for AC-GAN, the attribute logits (N,C)
/// (softmax per categorical block, sigmoid per continuous entry; see <see cref="AuxiliaryLoss"/>). The caller owns both.
/// </summary>
public readonly record struct DiscriminatorOutput(Tensor Logit, Tensor? Attributes);
