using WaifuLab.Conditional;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Conditional;

public class ConditionalSamplingTests
{
    private static ConditionalGenerator MakeG()
    {
        manual_seed(11);
        var g = new ConditionalGenerator(new ConditionalGanOptions
        {
            ImageSize = 16, Nz = 8, Ngf = 8, Ndf = 8, ConditionSize = AttributeRequestTests.Schema.Width, EmbedSize = 4,
            Schema = AttributeRequestTests.Schema,
        });
        // Give BatchNorm non-trivial running statistics, as after training, so eval mode is really exercised.
        using (var _ = no_grad()) for (int i = 0; i < 30; i++) g.forward(randn(16, 8), rand(16, 6)).Dispose();
        return g;
    }

    private static Tensor Single(ConditionalGenerator g, Tensor z, Tensor c)
    {
        g.eval();
        using var _ = no_grad();
        var x = g.forward(z.reshape(1, -1), c.reshape(1, -1));
        g.train();
        return x;
    }

    [Fact]
    public void Condition_fade_starts_and_ends_at_the_endpoint_images_and_keeps_G_in_training_mode()
    {
        using var g = MakeG();
        using var z = randn(8);
        using var from = tensor(new float[] { 1, 0, 0, 1, 0, 0.2f });
        using var to = tensor(new float[] { 0, 0, 1, 1, 0, 0.2f });
        using var fade = ConditionFade.Make(g, z, from, to, 5);
        Assert.Equal(new long[] { 5, 3, 16, 16 }, fade.shape);
        Assert.True(g.training);
        using var a = Single(g, z, from);
        using var b = Single(g, z, to);
        Assert.True(fade[0].unsqueeze(0).allclose(a, 1e-5, 1e-5));
        Assert.True(fade[4].unsqueeze(0).allclose(b, 1e-5, 1e-5));
        Assert.False(fade[2].allclose(fade[0], 1e-3, 1e-3));
    }

    [Fact]
    public void Sweep_moves_only_the_continuous_attribute_and_refuses_a_categorical_one()
    {
        using var g = MakeG();
        using var z = randn(8);
        using var c = tensor(new float[] { 0, 1, 0, 0, 1, 0.5f });
        using var sweep = ConditionFade.Sweep(g, AttributeRequestTests.Schema, z, c, "mouth", 3);
        using var open = Single(g, z, tensor(new float[] { 0, 1, 0, 0, 1, 1f }));
        Assert.True(sweep[2].unsqueeze(0).allclose(open, 1e-5, 1e-5));
        var e = Assert.Throws<ArgumentException>(() => ConditionFade.Sweep(g, AttributeRequestTests.Schema, z, c, "hair", 3));
        Assert.Contains("mouth", e.Message);
    }

    [Fact]
    public void Attribute_grid_rows_are_values_and_columns_keep_z_and_the_other_attributes()
    {
        using var g = MakeG();
        using var grid = AttributeGrid.Make(g, AttributeRequestTests.Schema, "hair", zCount: 4, seed: 3);
        Assert.Equal(new long[] { 12, 3, 16, 16 }, grid.shape);
        // The same column in two rows differs (hair), the same row in two columns differs (z).
        Assert.False(grid[1].allclose(grid[5], 1e-3, 1e-3));
        Assert.False(grid[1].allclose(grid[2], 1e-3, 1e-3));
        using var again = AttributeGrid.Make(g, AttributeRequestTests.Schema, "hair", zCount: 4, seed: 3);
        Assert.True(again.allclose(grid, 0, 0));
        using var mouth = AttributeGrid.Make(g, AttributeRequestTests.Schema, "mouth", zCount: 2, continuousSteps: 3);
        Assert.Equal(6, mouth.shape[0]);
    }

    [Fact]
    public void Latent_walk_keeps_c_and_changes_the_face()
    {
        using var g = MakeG();
        using var c = tensor(new float[] { 0, 0, 1, 0, 1, 0.9f });
        using var walk = LatentWalk.Make(g, c, 6, seed: 4);
        Assert.Equal(new long[] { 6, 3, 16, 16 }, walk.shape);
        Assert.InRange(walk.min().item<float>(), -1f, 1f);
        Assert.False(walk[0].allclose(walk[5], 1e-3, 1e-3));
        Assert.Throws<ArgumentException>(() => LatentWalk.Make(g, zeros(5), 6));
    }
}
