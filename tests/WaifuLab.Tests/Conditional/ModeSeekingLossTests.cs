using WaifuLab.Conditional;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Conditional;

public class ModeSeekingLossTests
{
    [Fact]
    public void The_loss_is_the_inverse_ratio_of_image_to_noise_distance_between_paired_rows()
    {
        // Rows 0,1 pair with rows 2,3: image distance mean|a - b| = 0.5, noise distance 2 -> ratio 0.25 -> loss 1/0.25.
        using var images = tensor(new float[] { 0, 0, 1, 1, 0.5f, 0.5f, 0.5f, 0.5f }, new long[] { 4, 2 });
        using var z = tensor(new float[] { 0, 0, 0, 0, 2, 2, 2, 2 }, new long[] { 4, 2 });
        using var loss = ModeSeekingLoss.Compute(images, z);
        Assert.Equal(4.0, loss.item<float>(), 3);

        // A G that ignores z (equal images for both noise vectors) gets a huge loss, a diverse one a small one.
        using var same = ones(4, 2);
        using var collapsed = ModeSeekingLoss.Compute(same, z);
        Assert.True(collapsed.item<float>() > 1e4);

        // Odd batches pair row i with row i + ceil(N/2), as Paired lays out the conditions.
        using var half = tensor(new float[] { 1, 2 }, new long[] { 2, 1 });
        using var paired = ModeSeekingLoss.Paired(half, 3);
        Assert.Equal(new float[] { 1, 2, 1 }, paired.data<float>().ToArray());
        using var oddImages = tensor(new float[] { 0, 5, 1 }, new long[] { 3, 1 });
        using var oddZ = tensor(new float[] { 0, 9, 1 }, new long[] { 3, 1 });
        using var odd = ModeSeekingLoss.Compute(oddImages, oddZ); // only rows 0 and 2 pair: ratio 1
        Assert.Equal(1.0, odd.item<float>(), 3);
        Assert.Throws<ArgumentException>(() => ModeSeekingLoss.Compute(ones(1, 2), ones(1, 2)));
    }
}
