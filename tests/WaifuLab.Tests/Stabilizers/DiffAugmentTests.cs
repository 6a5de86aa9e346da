using WaifuLab.Stabilizers;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Stabilizers;

public class DiffAugmentTests
{
    [Theory]
    [InlineData("color")]
    [InlineData("translation")]
    [InlineData("cutout")]
    [InlineData(DiffAugment.FullPolicy)]
    public void Each_policy_keeps_the_shape_and_passes_gradients_to_the_input(string policy)
    {
        using var x = TinyGan.Batch(4, 5).requires_grad_(true);
        using var y = new DiffAugment(policy).Apply(x, new Generator(1));
        Assert.Equal(x.shape, y.shape);
        y.sum().backward();
        Assert.NotNull(x.grad);
        Assert.True(x.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Translate_moves_the_content_and_fills_with_zero()
    {
        using var x = arange(16, dtype: float32).reshape(1, 1, 4, 4) + 1;
        using var tx = tensor(new long[] { 1 });
        using var ty = tensor(new long[] { -1 });
        using var y = DiffAugment.Translate(x, tx, ty);
        // out(i, j) = in(i + 1, j - 1): content moves up one row and right one column.
        var expected = new float[] { 0, 5, 6, 7, 0, 9, 10, 11, 0, 13, 14, 15, 0, 0, 0, 0 };
        Assert.Equal(expected, y.reshape(-1).data<float>().ToArray());
    }

    [Fact]
    public void Random_translation_shifts_each_image_by_at_most_an_eighth_of_its_side()
    {
        using var x = TinyGan.Batch(16, 6) + 2; // no zeros in the input, so zeros mark the fill
        using var y = DiffAugment.Translate(x, 0.125, new Generator(3));
        int shifted = 0;
        for (int b = 0; b < 16; b++)
        {
            bool found = false;
            for (long dx = -1; dx <= 1 && !found; dx++)
                for (long dy = -1; dy <= 1 && !found; dy++)
                {
                    using var tx = tensor(new[] { dx });
                    using var ty = tensor(new[] { dy });
                    using var candidate = DiffAugment.Translate(x[b].unsqueeze(0), tx, ty);
                    if (TinyGan.Same(candidate, y[b].unsqueeze(0))) { found = true; if (dx != 0 || dy != 0) shifted++; }
                }
            Assert.True(found, $"image {b} is not a shift of its input by at most 1 pixel (8 px / 8)");
        }
        Assert.True(shifted > 0);
    }

    [Fact]
    public void Cutout_zeroes_one_square_of_at_most_half_the_side_and_leaves_the_rest()
    {
        using var x = TinyGan.Batch(16, 7) + 2;
        using var y = DiffAugment.Cutout(x, 0.5, new Generator(4));
        for (int b = 0; b < 16; b++)
        {
            using var zero = y[b][0].eq(0);
            var rows = Enumerable.Range(0, 8).Where(i => zero[i].any().item<bool>()).ToList();
            var cols = Enumerable.Range(0, 8).Where(j => zero[.., j].any().item<bool>()).ToList();
            Assert.InRange(rows.Count, 2, 4);
            Assert.InRange(cols.Count, 2, 4);
            // a full rectangle: every (row, col) pair in the spans is zero, in every channel
            Assert.Equal(rows.Count * cols.Count * 3, y[b].eq(0).sum().item<long>());
            using var kept = y[b].ne(0);
            Assert.True(TinyGan.Same(y[b].masked_select(kept), x[b].masked_select(kept)));
        }
    }

    [Fact]
    public void Policies_are_parsed_strictly_and_an_empty_one_is_the_identity()
    {
        Assert.Equal(["color", "cutout"], DiffAugment.ParsePolicy(" Color, cutout "));
        var e = Assert.Throws<ArgumentException>(() => new DiffAugment("color,flip"));
        Assert.Contains("flip", e.Message);
        using var x = zeros(1, 3, 4, 4);
        Assert.Same(x, new DiffAugment("").Apply(x));
    }
}
