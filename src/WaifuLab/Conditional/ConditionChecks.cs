using static TorchSharp.torch;

namespace WaifuLab.Conditional;

internal static class ConditionChecks
{
    /// <summary>Throws unless c is (batch, width): a mismatch means the model was built for another label schema.</summary>
    public static void Check(Tensor c, int width, long batch)
    {
        if (c.dim() != 2 || c.shape[1] != width || c.shape[0] != batch)
            throw new ArgumentException(
                $"condition must have shape ({batch},{width}), got ({string.Join(",", c.shape)}); was the model built for another label schema?", "c");
    }
}
