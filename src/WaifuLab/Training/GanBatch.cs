using static TorchSharp.torch;

namespace WaifuLab.Training;

/// <summary>The inputs of one GAN update, already on the training device: real images, noise, optional conditions.</summary>
public sealed record GanBatch(Tensor Real, Tensor Noise, Tensor? Conditions = null);
