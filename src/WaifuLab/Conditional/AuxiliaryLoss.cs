using WaifuLab.Data;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace WaifuLab.Conditional;

/// <summary>
/// The AC-GAN attribute loss, summed over attribute blocks: cross-entropy of a softmax over each categorical block
/// (soft targets allowed, so interpolated conditions are valid), and for each continuous entry a cross-entropy with
/// its value in [0,1] as target, a regression whose minimum is at the target and whose gradient does not vanish
/// when the sigmoid saturates (unlike squared error on the sigmoid).
/// </summary>
public static class AuxiliaryLoss
{
    public static Tensor Compute(Tensor logits, Tensor target, ConditionLayout layout)
    {
        if (logits.dim() != 2 || logits.shape[1] != layout.Width || !logits.shape.SequenceEqual(target.shape))
            throw new ArgumentException($"attribute logits ({string.Join(",", logits.shape)}) and targets ({string.Join(",", target.shape)}) must both be (N,{layout.Width})");
        using var scope = NewDisposeScope();
        Tensor total = zeros(1, dtype: logits.dtype, device: logits.device).squeeze();
        foreach (var block in layout.Blocks)
        {
            var l = logits.narrow(1, block.Offset, block.Width);
            var t = target.narrow(1, block.Offset, block.Width);
            total = block.Kind == AttributeKind.Categorical
                ? total - (t * l.log_softmax(1)).sum(1).mean()
                : total + binary_cross_entropy_with_logits(l, t);
        }
        return total.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Fraction of categorical blocks whose arg-max prediction matches the target's (NaN without categorical blocks);
    /// a quick check that D's attribute head has learned something.
    /// </summary>
    public static double CategoricalAccuracy(Tensor logits, Tensor target, ConditionLayout layout)
    {
        using var scope = NewDisposeScope();
        double hits = 0; int blocks = 0;
        foreach (var block in layout.Blocks.Where(b => b.Kind == AttributeKind.Categorical))
        {
            var p = logits.narrow(1, block.Offset, block.Width).argmax(1);
            var t = target.narrow(1, block.Offset, block.Width).argmax(1);
            hits += p.eq(t).to(float64).mean().item<double>();
            blocks++;
        }
        return blocks == 0 ? double.NaN : hits / blocks;
    }
}
