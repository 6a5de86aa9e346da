using static TorchSharp.torch;

namespace WaifuLab.Sampling;

/// <summary>
/// Paths between two latent or condition vectors. Gaussian noise lives near a sphere of radius sqrt(nz), so noise is
/// interpolated along the great circle (slerp): a straight line would pass through low-norm points G never saw.
/// Conditions (multi-hot attributes, numbers) are interpolated linearly.
/// </summary>
public static class Interpolation
{
    /// <summary>Spherical interpolation: (steps, D) rows from <paramref name="a"/> to <paramref name="b"/> (both (D) or (1,D)).</summary>
    public static Tensor Slerp(Tensor a, Tensor b, int steps)
    {
        CheckPair(a, b, steps);
        using var scope = NewDisposeScope();
        var x = a.reshape(1, -1).to(float64);
        var y = b.reshape(1, -1).to(float64);
        var cos = ((x * y).sum() / (x.norm() * y.norm())).clamp(-1.0, 1.0);
        double omega = Math.Acos(cos.item<double>());
        var t = linspace(0, 1, steps, dtype: float64).reshape(-1, 1);
        Tensor path;
        if (omega < 1e-6)
            path = x + t * (y - x); // (nearly) parallel: slerp degenerates to a line
        else
        {
            double sin = Math.Sin(omega);
            path = (t * -omega + omega).sin() / sin * x + (t * omega).sin() / sin * y;
        }
        return path.to(a.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Linear interpolation: (steps, D) rows from <paramref name="a"/> to <paramref name="b"/>.</summary>
    public static Tensor Lerp(Tensor a, Tensor b, int steps)
    {
        CheckPair(a, b, steps);
        using var scope = NewDisposeScope();
        var x = a.reshape(1, -1);
        var t = linspace(0, 1, steps, dtype: a.dtype).reshape(-1, 1);
        return (x + t * (b.reshape(1, -1) - x)).MoveToOuterDisposeScope();
    }

    private static void CheckPair(Tensor a, Tensor b, int steps)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "an interpolation needs at least 2 steps");
        if (a.numel() != b.numel())
            throw new ArgumentException($"cannot interpolate between vectors of {a.numel()} and {b.numel()} entries");
    }
}
