using static TorchSharp.torch;

namespace WaifuLab.Models.Style;

/// <summary>
/// A layer that draws its own initial weights from a seeded generator (StyleGAN2's equalized-learning-rate layers:
/// weights N(0,1) scaled at run time). <see cref="DcganInit.Apply"/> calls it, so the factory keeps one seeded init.
/// </summary>
public interface ISeededInit
{
    void Initialize(Generator? generator);
}
