using WaifuLab.Conditional;
using WaifuLab.Data;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Conditional;

public class AttributeRequestTests
{
    internal static readonly LabelSchema Schema = new([
        AttributeSpec.Categorical("hair", "black", "blonde", "white"),
        AttributeSpec.Categorical("eyes", "blue", "red"),
        AttributeSpec.Continuous("mouth", 0, 1),
    ]);

    [Fact]
    public void Unknown_attributes_values_and_bad_numbers_are_refused_with_the_valid_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => AttributeRequest.Parse(Schema, "hair=green"));
        Assert.Contains("black, blonde, white", e.Message);
        e = Assert.Throws<ArgumentException>(() => AttributeRequest.Parse(Schema, "hat=red"));
        Assert.Contains("hair, eyes, mouth", e.Message);
        e = Assert.Throws<ArgumentException>(() => AttributeRequest.Parse(Schema, "mouth=1.5"));
        Assert.Contains("[0, 1]", e.Message);
        e = Assert.Throws<ArgumentException>(() => AttributeRequest.Parse(Schema, "white"));
        Assert.Contains("name=value", e.Message);
        e = Assert.Throws<ArgumentException>(() => AttributeRequest.ParseMany(Schema, ["hair=white", "HAIR=black"]));
        Assert.Contains("twice", e.Message);
    }

    [Fact]
    public void Fill_fixes_the_requested_blocks_and_draws_the_rest_from_the_pool()
    {
        var request = AttributeRequest.ParseMany(Schema, ["Hair = White", "mouth=0.8"]);
        Assert.Equal("hair=white mouth=0.8", request.ToString());
        using var rows = tensor(new float[,] { { 1, 0, 0, 1, 0, 0.1f }, { 0, 1, 0, 0, 1, 0.3f } });
        using var pool = new ConditionPool(rows);
        using var c = AttributeRequest.Fill(request, pool, 40, seed: 7);
        Assert.Equal(new long[] { 40, 6 }, c.shape);
        using var hair = c.narrow(1, 0, 3);
        Assert.True(hair.allclose(tensor(new float[] { 0, 0, 1 }).expand(40, -1), 0, 0));
        Assert.True(c.select(1, 5).eq(0.8f).all().item<bool>());
        // eyes come from the pool's rows: both values appear, always one-hot
        using var eyes = c.narrow(1, 3, 2);
        Assert.True(eyes.sum(1).eq(1).all().item<bool>());
        Assert.InRange(eyes.select(1, 0).sum().item<float>(), 1, 39);
        using var again = AttributeRequest.Fill(request, pool, 40, seed: 7);
        Assert.True(again.allclose(c, 0, 0));
    }

    [Fact]
    public void Fill_without_a_pool_draws_valid_conditions()
    {
        using var c = AttributeRequest.Fill(AttributeRequest.Parse(Schema, "eyes=red"), null, 30, seed: 1);
        var rows = c.data<float>().ToArray().Chunk(6).ToArray();
        Assert.All(rows, r =>
        {
            Assert.Equal(1f, r[0] + r[1] + r[2]);
            Assert.Equal(new[] { 0f, 1f }, r[3..5]);
            Assert.InRange(r[5], 0f, 1f);
        });
        Assert.True(rows.Select(r => Array.IndexOf(r, 1f)).Distinct().Count() == 3);
    }
}
