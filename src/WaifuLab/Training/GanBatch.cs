using static TorchSharp.torch;

namespace WaifuLab.Training;

/// <summary>
/// The inputs of one GAN iteration, already on the training device: real images, noise, and for a conditional run the
/// real images' conditions and the conditions the fakes are drawn for (null when unconditional).
/// </summary>
public sealed record GanBatch(Tensor Real, Tensor Noise, Tensor? Conditions = null, Tensor? FakeConditions = null);
