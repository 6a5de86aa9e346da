using WaifuLab.Conditional;
using WaifuLab.Data;
using WaifuLab.Projection;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Projection;

public class ConditionLogitsTests
{
    static readonly LabelSchema Mixed = new([
        AttributeSpec.Categorical("hair", "black", "white", "pink"),
        AttributeSpec.Continuous("mouth", 0, 1),
    ]);

    [Fact]
    public void Logits_map_back_to_the_smoothed_condition_and_any_logits_give_a_valid_one()
    {
        var layout = ConditionLayout.From(Mixed);
        var logits = ConditionLogits.FromCondition([0, 1, 0, 0.6f], layout, 0.3);
        using var t = tensor(logits, [1, 4]);
        using var c = ConditionLogits.ToCondition(t, layout);
        // 0.7 · one-hot + 0.3 · uniform; 0.7 · 0.6 + 0.3 · 0.5 for the continuous value.
        Assert.Equal(new[] { 0.1f, 0.8f, 0.1f, 0.57f }, c.data<float>().ToArray().Select(v => MathF.Round(v, 4)));

        using var wild = tensor(new float[] { 30, -30, 5, -40, 0, 0, 0, 40 }, [2, 4]);
        using var valid = ConditionLogits.ToCondition(wild, layout);
        var v = valid.data<float>().ToArray();
        Assert.All(v, x => Assert.InRange(x, 0f, 1f));
        Assert.Equal(1, v[0] + v[1] + v[2], 4);
        Assert.Equal(1, v[4] + v[5] + v[6], 4);
    }

    [Fact]
    public void Without_a_schema_every_entry_is_a_value_in_0_1_named_by_position()
    {
        var layout = ConditionLayout.Independent(3);
        var logits = ConditionLogits.FromCondition(new float[3], layout, 1.0);
        Assert.All(logits, l => Assert.Equal(0f, l));
        var names = ConditionLogits.Describe([0.25f, 1, 0], null);
        Assert.Equal("0.25", names["c0"]);
        Assert.Equal(3, names.Count);
        Assert.Throws<ArgumentException>(() => ConditionLogits.FromCondition([1, 0], layout, 0.3));
    }
}
