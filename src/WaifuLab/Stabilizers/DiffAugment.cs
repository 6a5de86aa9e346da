using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace WaifuLab.Stabilizers;

/// <summary>
/// Differentiable augmentation (Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient GAN Training"): the
/// same kinds of random colour, translation and cutout transforms are applied to every image D sees, real and fake
/// alike, in both D's and G's steps. D can then no longer win by memorising the few real images, and because every
/// transform is differentiable G still gets gradients through it. Each image draws its own random parameters.
/// Ported from the authors' DiffAugment_pytorch.py; images are NCHW in [-1, 1].
/// </summary>
public sealed class DiffAugment
{
    /// <summary>The policy the paper recommends for small data sets.</summary>
    public const string FullPolicy = "color,translation,cutout";

    private static readonly string[] Known = ["color", "translation", "cutout"];

    /// <summary>The transforms applied, in order.</summary>
    public IReadOnlyList<string> Policy { get; }

    /// <summary>Largest shift, as a fraction of the image side (1/8 in the paper).</summary>
    public double TranslationRatio { get; }

    /// <summary>Side of the cut-out square, as a fraction of the image side (1/2 in the paper).</summary>
    public double CutoutRatio { get; }

    /// <summary>False for an empty policy: <see cref="Apply"/> then returns its input.</summary>
    public bool IsEnabled => Policy.Count > 0;

    /// <summary>Parses <paramref name="policy"/> ("color,translation,cutout", any subset, empty = off).</summary>
    public DiffAugment(string policy, double translationRatio = 0.125, double cutoutRatio = 0.5)
    {
        if (!(translationRatio >= 0 && translationRatio < 1)) throw new ArgumentOutOfRangeException(nameof(translationRatio), translationRatio, "must be in [0, 1)");
        if (!(cutoutRatio > 0 && cutoutRatio <= 1)) throw new ArgumentOutOfRangeException(nameof(cutoutRatio), cutoutRatio, "must be in (0, 1]");
        Policy = ParsePolicy(policy);
        TranslationRatio = translationRatio;
        CutoutRatio = cutoutRatio;
    }

    /// <summary>The transforms named in a comma-separated policy; an <see cref="ArgumentException"/> names an unknown one.</summary>
    public static IReadOnlyList<string> ParsePolicy(string? policy)
    {
        var parts = (policy ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.ToLowerInvariant()).ToList();
        foreach (var p in parts)
            if (!Known.Contains(p))
                throw new ArgumentException($"unknown DiffAugment transform '{p}' in policy '{policy}'; known: {string.Join(", ", Known)}", nameof(policy));
        return parts;
    }

    /// <summary>Applies the policy to a batch (N,C,H,W); differentiable with respect to <paramref name="x"/>.</summary>
    public Tensor Apply(Tensor x, Generator? generator = null)
    {
        if (x.dim() != 4) throw new ArgumentException($"DiffAugment expects an NCHW batch, got shape [{string.Join(", ", x.shape)}]", nameof(x));
        if (!IsEnabled) return x;
        using var scope = NewDisposeScope();
        var y = x;
        foreach (var p in Policy)
            y = p switch
            {
                "color" => Contrast(Saturation(Brightness(y, generator), generator), generator),
                "translation" => Translate(y, TranslationRatio, generator),
                _ => Cutout(y, CutoutRatio, generator),
            };
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>Adds a per-image offset uniform in [-0.5, 0.5).</summary>
    public static Tensor Brightness(Tensor x, Generator? generator = null) => x + (PerImage(x, generator) - 0.5);

    /// <summary>Scales each pixel's deviation from its channel mean by a per-image factor in [0, 2).</summary>
    public static Tensor Saturation(Tensor x, Generator? generator = null)
    {
        var mean = x.mean([1], keepdim: true);
        return (x - mean) * (PerImage(x, generator) * 2) + mean;
    }

    /// <summary>Scales each image's deviation from its overall mean by a factor in [0.5, 1.5).</summary>
    public static Tensor Contrast(Tensor x, Generator? generator = null)
    {
        var mean = x.mean([1, 2, 3], keepdim: true);
        return (x - mean) * (PerImage(x, generator) + 0.5) + mean;
    }

    /// <summary>Shifts each image by a random whole number of pixels up to ratio*side in each direction, filling with 0.</summary>
    public static Tensor Translate(Tensor x, double ratio = 0.125, Generator? generator = null)
    {
        long n = x.shape[0], h = x.shape[2], w = x.shape[3];
        long sx = (long)(h * ratio + 0.5), sy = (long)(w * ratio + 0.5);
        using var tx = randint(-sx, sx + 1, [n, 1, 1], generator: generator);
        using var ty = randint(-sy, sy + 1, [n, 1, 1], generator: generator);
        return Translate(x, tx, ty);
    }

    /// <summary>
    /// Output pixel (i, j) of image b is input pixel (i + tx[b], j + ty[b]), or 0 outside the image: the content moves by
    /// (-tx, -ty). Gathers from a 1-pixel zero-padded copy like the authors' code, so it is differentiable in x.
    /// </summary>
    public static Tensor Translate(Tensor x, Tensor tx, Tensor ty)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var rows = (arange(h, dtype: int64).view(1, h, 1) + tx.view(n, 1, 1).to(int64) + 1).clamp(0, h + 1);
        var cols = (arange(w, dtype: int64).view(1, 1, w) + ty.view(n, 1, 1).to(int64) + 1).clamp(0, w + 1);
        var batch = arange(n, dtype: int64).view(n, 1, 1);
        var index = ((batch * (h + 2) + rows) * (w + 2) + cols).reshape(-1).to(x.device);
        var padded = F.pad(x, [1, 1, 1, 1]).permute(0, 2, 3, 1).reshape(-1, c);
        return padded.index_select(0, index).reshape(n, h, w, c).permute(0, 3, 1, 2).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Zeroes one square of side ratio*side per image, centred anywhere (clipped at the borders).</summary>
    public static Tensor Cutout(Tensor x, double ratio = 0.5, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], h = x.shape[2], w = x.shape[3];
        long ch = (long)(h * ratio + 0.5), cw = (long)(w * ratio + 0.5);
        var ox = randint(0, h + (1 - ch % 2), [n, 1, 1], generator: generator) - ch / 2;
        var oy = randint(0, w + (1 - cw % 2), [n, 1, 1], generator: generator) - cw / 2;
        var rows = arange(h, dtype: int64).view(1, h, 1);
        var cols = arange(w, dtype: int64).view(1, 1, w);
        var inside = rows.ge(ox).logical_and(rows.lt(ox + ch)).logical_and(cols.ge(oy).logical_and(cols.lt(oy + cw)));
        var mask = inside.logical_not().to(x.dtype).to(x.device).unsqueeze(1);
        return (x * mask).MoveToOuterDisposeScope();
    }

    // One uniform [0, 1) draw per image, shaped to broadcast over (C, H, W).
    private static Tensor PerImage(Tensor x, Generator? generator) =>
        rand([x.shape[0], 1, 1, 1], dtype: x.dtype, generator: generator).to(x.device);
}
