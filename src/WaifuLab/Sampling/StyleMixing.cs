using WaifuLab.Models.Style;
using static TorchSharp.torch;

namespace WaifuLab.Sampling;

/// <summary>
/// Style mixing with a trained <see cref="StyleGenerator"/> (StyleGAN's figure 3, the original write-up's style.png):
/// faces whose ws at some layers come from one source and at the others from another. Runs G in eval mode (fixed
/// noise) without gradients and restores its mode; results are on the CPU.
/// </summary>
public static class StyleMixing
{
    /// <summary>
    /// Parses a layer range "A-B" (or one layer "A") against a generator with <paramref name="layers"/> ws; a bad
    /// range is refused with the valid one.
    /// </summary>
    public static (int First, int Last) ParseLayers(string text, int layers)
    {
        var parts = (text ?? "").Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length is 1 or 2 && int.TryParse(parts[0], out int a) && int.TryParse(parts[^1], out int b) && a >= 0 && b >= a && b < layers)
            return (a, b);
        throw new ArgumentException($"layers '{text}' is not a range within 0-{layers - 1} (e.g. 0-3 for the coarse 4-8 px layers)");
    }

    /// <summary>The w indices of StyleGAN's bands for <paramref name="g"/>: coarse (4-8 px), middle (16-32 px), fine (64 px and up).</summary>
    public static (int First, int Last) Band(StyleGenerator g, string band)
    {
        var res = g.LayerResolutions;
        Func<int, bool> inBand = band switch
        {
            "coarse" => r => r <= 8,
            "middle" => r => r is > 8 and <= 32,
            "fine" => r => r > 32,
            _ => throw new ArgumentException($"unknown band '{band}': use coarse, middle or fine"),
        };
        var idx = Enumerable.Range(0, res.Count).Where(i => inBand(res[i])).ToArray();
        if (idx.Length == 0) throw new ArgumentException($"a {res[^1]} px generator has no {band} layers");
        return (idx[0], idx[^1]);
    }

    /// <summary>ws (N,NumWs,wDim) of noise drawn from <paramref name="seed"/>, with truncation <paramref name="psi"/>.</summary>
    public static Tensor Ws(StyleGenerator g, int count, long seed, double psi = 1)
    {
        using var gen = new Generator((ulong)seed, CPU);
        using var z = randn([count, g.Nz], generator: gen);
        return Run(g, () => g.Map(z.to(DeviceOf(g)), psi).cpu());
    }

    /// <summary>Images of ws (N,NumWs,wDim), in eval mode, on the CPU; <paramref name="toRgbWs"/> as in <see cref="StyleGenerator.Synthesize"/>.</summary>
    /// <remarks>
    /// In chunks of <see cref="Chunk"/> ws: a modulated convolution makes a weight per sample, so a batch of 1,000
    /// faces at 64 px needed more than 24 GB (notebook 06's truncation cell was killed for memory that way).
    /// </remarks>
    public static Tensor Synthesize(StyleGenerator g, Tensor ws, Tensor? toRgbWs = null) => Run(g, () =>
    {
        var device = DeviceOf(g);
        var parts = new List<Tensor>();
        try
        {
            for (long start = 0; start < ws.shape[0]; start += Chunk)
            {
                using var scope = NewDisposeScope();
                long n = Math.Min(Chunk, ws.shape[0] - start);
                var part = ws.narrow(0, start, n).to(device);
                var rgbPart = toRgbWs?.narrow(0, start, n).to(device);
                parts.Add(g.Synthesize(part, rgbPart).cpu().MoveToOuterDisposeScope());
            }
            return cat(parts, 0);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    });

    /// <summary>
    /// Images of the style mix that takes layers <paramref name="first"/>..<paramref name="last"/> from
    /// <paramref name="source"/> and the rest from <paramref name="rest"/>, in the layers <paramref name="mixed"/> names;
    /// the other layers read <paramref name="rest"/>'s ws throughout.
    /// </summary>
    public static Tensor Mixed(StyleGenerator g, Tensor source, Tensor rest, int first, int last, MixedLayers mixed = MixedLayers.Both)
    {
        using var mix = StyleGenerator.Mix(source, rest, first, last);
        return mixed switch
        {
            MixedLayers.Both => Synthesize(g, mix),
            MixedLayers.ConvolutionsOnly => Synthesize(g, mix, toRgbWs: rest),
            MixedLayers.ToRgbOnly => Synthesize(g, rest, toRgbWs: mix),
            _ => throw new ArgumentOutOfRangeException(nameof(mixed), mixed, "not a MixedLayers value"),
        };
    }

    /// <summary>How many ws <see cref="Synthesize"/> draws at once.</summary>
    public const int Chunk = 64;

    /// <summary>
    /// The mixing grid: the first row shows the <paramref name="top"/> sources (after a blank corner), the first column
    /// the <paramref name="side"/> sources; cell (i, j) takes layers <paramref name="first"/>..<paramref name="last"/> from
    /// top source j and the rest from side source i. Returns ((rows+1)*(columns+1),3,S,S) images, row by row, for
    /// <see cref="WaifuLab.Imaging.ImageGrid"/> with columns+1 columns.
    /// </summary>
    public static Tensor Grid(StyleGenerator g, Tensor top, Tensor side, int first, int last)
    {
        using var scope = NewDisposeScope();
        int cols = (int)top.shape[0], rows = (int)side.shape[0];
        var topImages = Synthesize(g, top);
        var sideImages = Synthesize(g, side);
        var cells = new List<Tensor> { ones_like(topImages[0]) }; // blank (white) corner
        for (int j = 0; j < cols; j++) cells.Add(topImages[j]);
        for (int i = 0; i < rows; i++)
        {
            cells.Add(sideImages[i]);
            var images = Mixed(g, top, side[i].unsqueeze(0).expand(cols, -1, -1), first, last);
            for (int j = 0; j < cols; j++) cells.Add(images[j]);
        }
        return stack(cells).MoveToOuterDisposeScope();
    }

    static Device DeviceOf(StyleGenerator g) => g.parameters().First().device;

    static Tensor Run(StyleGenerator g, Func<Tensor> body)
    {
        bool wasTraining = g.training;
        g.eval();
        try
        {
            using var _ = no_grad();
            return body();
        }
        finally
        {
            g.train(wasTraining);
        }
    }
}
