using static TorchSharp.torch;

namespace WaifuLab.Data;

/// <summary>Training-time augmentations on batches (N,C,H,W). Faces are left-right symmetric enough that a mirror is a new sample.</summary>
public static class Augment
{
    /// <summary>
    /// Mirrors each image of <paramref name="batch"/> left-right with probability <paramref name="p"/>, independently;
    /// returns a new tensor. Conditions need no change (hair colour, glasses... do not depend on the side).
    /// </summary>
    public static Tensor FlipHorizontal(Tensor batch, double p, Generator? gen = null)
    {
        if (batch.dim() != 4)
            throw new ArgumentException($"expected a batch of shape (N,C,H,W), got ({string.Join(",", batch.shape)})", nameof(batch));
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "flip probability must be in [0, 1]");
        using var scope = NewDisposeScope();
        var flip = rand([batch.shape[0]], generator: gen, device: batch.device).lt(p).view(-1, 1, 1, 1);
        return where(flip, batch.flip(3), batch).MoveToOuterDisposeScope();
    }
}
