using WaifuLab.Data;

namespace WaifuLab.Conditional;

/// <summary>One attribute's slice of a condition vector.</summary>
public sealed record ConditionBlock(string Name, AttributeKind Kind, int Offset, int Width);

/// <summary>
/// The blocks of a condition vector: categorical blocks are classified with a softmax, continuous entries regressed.
/// Used by the AC-GAN heads and their loss.
/// </summary>
public sealed record ConditionLayout(IReadOnlyList<ConditionBlock> Blocks)
{
    public int Width => Blocks.Sum(b => b.Width);

    public static ConditionLayout From(LabelSchema schema)
    {
        var blocks = new List<ConditionBlock>();
        int offset = 0;
        foreach (var a in schema.Attributes)
        {
            blocks.Add(new ConditionBlock(a.Name, a.Kind, offset, a.Width));
            offset += a.Width;
        }
        return new ConditionLayout(blocks);
    }

    /// <summary>No schema: every entry is its own value in [0,1] (multi-hot flags or numbers).</summary>
    public static ConditionLayout Independent(int width) =>
        new(Enumerable.Range(0, width).Select(i => new ConditionBlock($"c{i}", AttributeKind.Continuous, i, 1)).ToArray());
}
