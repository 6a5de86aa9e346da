using WaifuLab.Data;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Data;

public class AugmentTests
{
    [Fact]
    public void Flip_mirrors_whole_images_with_the_given_probability()
    {
        using var batch = arange(64 * 3 * 2 * 4, dtype: float32).reshape(64, 3, 2, 4);
        using var mirrored = batch.flip(3);
        using (var none = Augment.FlipHorizontal(batch, 0)) Assert.True(Same(none, batch));
        using (var all = Augment.FlipHorizontal(batch, 1)) Assert.True(Same(all, mirrored));

        using var g1 = new Generator(seed: 7);
        using var g2 = new Generator(seed: 7);
        using var half = Augment.FlipHorizontal(batch, 0.5, g1);
        using var same = Augment.FlipHorizontal(batch, 0.5, g2);
        Assert.True(Same(half, same), "same generator seed, same flips");
        int flipped = 0;
        for (int i = 0; i < 64; i++)
        {
            bool isFlipped = Same(half[i], mirrored[i]);
            Assert.True(isFlipped || Same(half[i], batch[i]), "each image is either kept or mirrored whole");
            if (isFlipped) flipped++;
        }
        Assert.InRange(flipped, 16, 48);
        Assert.Throws<ArgumentOutOfRangeException>(() => Augment.FlipHorizontal(batch, 1.5));
    }

    static bool Same(TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
