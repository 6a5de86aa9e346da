using TorchSharp;
using static TorchSharp.torch;

namespace WaifuLab.Models.Style;

/// <summary>
/// The smallest faithful StyleGAN2 generator (Karras et al. 2020; NVlabs stylegan2-ada-pytorch networks.py):
/// <see cref="MappingNetwork"/> z -> w, then a synthesis network from a learned 4x4 constant, two modulated 3x3
/// <see cref="SynthesisLayer"/>s per resolution (one at 4x4) with per-pixel noise, and a <see cref="ToRgbLayer"/> per
/// resolution whose outputs are summed up the resolutions (skip architecture; <see cref="StyleModelOptions.SkipToRgb"/>
/// false keeps only the last resolution's, stylegan2-ada's "orig"). Every layer reads its own w from
/// ws (N, <see cref="NumWs"/>, wDim): W+ space, where styles can be mixed at any layer. As in the reference, a
/// resolution's toRGB shares its w with the next resolution's first conv, so a 64 px model has 10 ws: 0-1 at 4 px,
/// 1-3 at 8, 3-5 at 16, 5-7 at 32, 7-9 at 64. Unconditional; images are not squashed
/// (no tanh), as in the reference.
/// </summary>
public sealed class StyleGenerator : nn.Module<Tensor, Tensor>, IGanGenerator, ISeededInit
{
    readonly MappingNetwork mapping;
    readonly TorchSharp.Modules.Parameter @const;
    readonly TorchSharp.Modules.ModuleList<SynthesisLayer> convs;
    readonly TorchSharp.Modules.ModuleList<ToRgbLayer> torgbs;
    readonly int[] _rgbW;
    readonly int _blocks;
    Generator? _noiseSource;

    public StyleGenerator(GanModelOptions options) : base(nameof(StyleGenerator))
    {
        Options = options.Validate();
        var style = options.Style.Validate();
        int size = options.ImageSize;
        int Channels(int r) => options.Ngf * Math.Min(8, size / r);
        mapping = new MappingNetwork("mapping", options.Nz, style);
        @const = new TorchSharp.Modules.Parameter(zeros(Channels(4), 4, 4));
        convs = new TorchSharp.Modules.ModuleList<SynthesisLayer>();
        torgbs = new TorchSharp.Modules.ModuleList<ToRgbLayer>();
        var rgbW = new List<int>();
        for (int r = 4; r <= size; r *= 2)
        {
            int c = Channels(r);
            if (r > 4)
            {
                convs.Add(new SynthesisLayer($"b{r}_conv0", style.WDim, Channels(r / 2), c, r, up: true));
            }
            convs.Add(new SynthesisLayer($"b{r}_conv1", style.WDim, c, c, r, up: false));
            if (style.SkipToRgb || r == size)
            {
                torgbs.Add(new ToRgbLayer($"b{r}_torgb", style.WDim, c));
                rgbW.Add(convs.Count); // the w after the block's last conv: the next block's first
            }
            _blocks++;
        }
        LayerResolutions = Enumerable.Range(0, convs.Count + 1).Select(i => 4 << (i / 2)).ToArray();
        _rgbW = rgbW.ToArray();
        RegisterComponents();
        Initialize(null);
    }

    public GanModelOptions Options { get; }
    public int Nz => Options.Nz;

    /// <summary>How many ws the synthesis network reads (10 at 64 px).</summary>
    public int NumWs => LayerResolutions.Count;

    /// <summary>
    /// The resolution StyleGAN's papers give each w index: two per resolution from 4 px (4,4,8,8,...), so ws 0-3 are the
    /// coarse styles (4-8 px), 4-7 the middle (16-32 px), 8 and up the fine (64 px).
    /// </summary>
    public IReadOnlyList<int> LayerResolutions { get; }

    /// <summary>The tracked average w (wDim), the truncation centre.</summary>
    public Tensor WAvg => mapping.WAvg;

    /// <summary>
    /// Where training-mode noise comes from (the trainer's per-iteration generator, so a resumed run repeats exactly);
    /// null = libtorch's global generator.
    /// </summary>
    public Generator? NoiseSource
    {
        get => _noiseSource;
        set
        {
            _noiseSource = value;
            foreach (var layer in convs) layer.NoiseSource = value;
        }
    }

    public void Initialize(Generator? generator)
    {
        using var _ = no_grad();
        using var draw = randn(@const.shape, dtype: float32, device: CPU, generator: generator);
        @const.copy_(draw);
    }

    /// <summary>
    /// z (N,nz) -> ws (N,NumWs,wDim), with the truncation trick w = w_avg + psi (w - w_avg) on the layers below
    /// <paramref name="cutoff"/> (all when null). <paramref name="trackAverage"/> false leaves the w average alone
    /// (the second latent of style mixing).
    /// </summary>
    public Tensor Map(Tensor z, double psi = 1, int? cutoff = null, bool trackAverage = true)
    {
        if (z.dim() != 2 || z.shape[1] != Nz)
            throw new ArgumentException($"noise must have shape (N,{Nz}), got ({string.Join(",", z.shape)})", nameof(z));
        if (!(psi is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(psi), psi, "truncation psi must be in [0, 1]");
        var w = mapping.forward(z, trackAverage);
        var ws = w.unsqueeze(1).repeat(1, NumWs, 1);
        if (psi == 1) return ws;
        int k = Math.Clamp(cutoff ?? NumWs, 0, NumWs);
        var truncated = WAvg.lerp(ws.narrow(1, 0, k), psi);
        ws = k == NumWs ? truncated : cat([truncated, ws.narrow(1, k, NumWs - k)], 1);
        return ws;
    }

    /// <summary>
    /// ws (N,NumWs,wDim) -> images (N,3,S,S), roughly in [-1,1]. <paramref name="toRgbWs"/> (same shape; default ws)
    /// are the ws the toRGB layers read, so an analysis can mix styles in the convolutions and the toRGB outputs apart.
    /// </summary>
    public Tensor Synthesize(Tensor ws, Tensor? toRgbWs = null)
    {
        if (ws.dim() != 3 || ws.shape[1] != NumWs)
            throw new ArgumentException($"ws must have shape (N,{NumWs},wDim), got ({string.Join(",", ws.shape)})", nameof(ws));
        if (toRgbWs is not null && !toRgbWs.shape.SequenceEqual(ws.shape))
            throw new ArgumentException($"the toRGB ws must have the shape of ws ({string.Join(",", ws.shape)}), got ({string.Join(",", toRgbWs.shape)})", nameof(toRgbWs));
        toRgbWs ??= ws;
        long n = ws.shape[0];
        var x = @const.unsqueeze(0).repeat(n, 1, 1, 1);
        Tensor? img = null;
        int conv = 0;
        for (int b = 0; b < _blocks; b++)
        {
            int perBlock = b == 0 ? 1 : 2;
            for (int k = 0; k < perBlock; k++, conv++) x = convs[conv].forward(x, ws.select(1, conv));
            int t = b - (_blocks - torgbs.Count); // the toRGB of this block; negative: none (the orig architecture)
            if (t < 0) continue;
            var rgb = torgbs[t].forward(x, toRgbWs.select(1, _rgbW[t]));
            img = img is null ? rgb : nn.functional.interpolate(img, scale_factor: [2.0, 2.0], mode: InterpolationMode.Bilinear, align_corners: false) + rgb;
        }
        return img!;
    }

    public Tensor Generate(Tensor z, Tensor? c) => c is null ? Synthesize(Map(z))
        : throw new ArgumentException("the style generator is unconditional: it takes no conditions", nameof(c));

    public override Tensor forward(Tensor z) => Generate(z, null);

    /// <summary>
    /// Style mixing in W+: ws whose layers <paramref name="first"/>..<paramref name="last"/> (inclusive) come from
    /// <paramref name="source"/> and all others from <paramref name="rest"/> (both (N,NumWs,wDim)).
    /// </summary>
    public static Tensor Mix(Tensor source, Tensor rest, int first, int last)
    {
        if (!source.shape.SequenceEqual(rest.shape))
            throw new ArgumentException($"both ws must have the same shape, got ({string.Join(",", source.shape)}) and ({string.Join(",", rest.shape)})");
        long layers = source.shape[1];
        if (first < 0 || last < first || last >= layers)
            throw new ArgumentOutOfRangeException(nameof(first), $"layers {first}-{last} are not within 0-{layers - 1}");
        using var mask = zeros(1, layers, 1, dtype: ScalarType.Bool);
        mask.narrow(1, first, last - first + 1).fill_(true);
        using var m = mask.to(source.device);
        return where(m, source, rest);
    }
}
