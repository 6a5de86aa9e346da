using System.Text.RegularExpressions;
using TorchSharp;
using TorchSharp.Modules;
using WaifuLab.Models;
using WaifuLab.Stabilizers;
using static TorchSharp.torch;

namespace WaifuLab.Interop;

/// <summary>
/// WaifuLab's DCGAN pair under the state_dict names of pytorch/examples' dcgan/main.py, whose models are one
/// <c>nn.Sequential</c> called <c>main</c>: layer k of the sequence is <c>main.k</c> (<c>main.0.weight</c>,
/// <c>main.1.running_mean</c>, ...). WaifuLab's G and D are built layer for layer in the same order (G: its <c>main</c>
/// sequence; D: its <c>features</c> sequence, then the <c>head</c> conv, then main.py's Sigmoid, which has no weights),
/// so the names map by position. At 64 px without extra blocks they are main.py's Generator and Discriminator for any
/// nz, ngf and ndf; other sizes and the deeper variant keep the same naming scheme.
/// <para>
/// Spectral norm (a D trained with it): folded into the weights. Each normalised layer is written with W / sigma, sigma
/// from its stored power-iteration vectors, and without the u, v buffers, so main.py's plain Discriminator loads it and,
/// in eval mode, computes what WaifuLab's D computes. PyTorch's own names (weight_orig, weight_u, weight_v) would need
/// the reader to wrap its layers in torch.nn.utils.spectral_norm first and would run one more power iteration per
/// training-mode call; the folded weight is what a user who loads the export wants.
/// </para>
/// </summary>
public static partial class DcganStateDict
{
    /// <summary>G's weights and BatchNorm statistics under main.py's names (detached views; copy before changing G).</summary>
    public static Dictionary<string, Tensor> FromGenerator(DcganGenerator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return Rename(generator, GeneratorNames(generator));
    }

    /// <summary>D's weights and BatchNorm statistics under main.py's names, spectral norm folded into the weights.</summary>
    public static Dictionary<string, Tensor> FromDiscriminator(DcganDiscriminator discriminator)
    {
        ArgumentNullException.ThrowIfNull(discriminator);
        var names = Positions(discriminator, "features", 0);
        names["head"] = $"main.{names.Count}";
        return Rename(discriminator, names);
    }

    /// <summary>
    /// Copies a state_dict with main.py's generator names into <paramref name="generator"/>, as
    /// <c>load_state_dict(strict=True)</c> does: every key present, none extra, every shape equal; otherwise
    /// <see cref="InvalidDataException"/> naming what differs (<paramref name="source"/> names the file).
    /// </summary>
    public static void LoadGenerator(DcganGenerator generator, IReadOnlyDictionary<string, Tensor> stateDict, string source)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(stateDict);
        var layers = GeneratorNames(generator);
        var own = generator.state_dict();
        var wanted = own.ToDictionary(kv => Map(kv.Key, layers), kv => kv.Value);
        var missing = wanted.Keys.Where(k => !stateDict.ContainsKey(k)).ToList();
        var unexpected = stateDict.Keys.Where(k => !wanted.ContainsKey(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new InvalidDataException($"{source} does not match a DCGAN generator of {Describe(generator.Options)}: " +
                (missing.Count > 0 ? $"missing {List(missing)}" : "") + (missing.Count > 0 && unexpected.Count > 0 ? "; " : "") +
                (unexpected.Count > 0 ? $"unexpected {List(unexpected)}" : ""));
        foreach (var (key, target) in wanted)
        {
            var value = stateDict[key];
            if (!value.shape.SequenceEqual(target.shape))
                throw new InvalidDataException($"{source}: {key} has shape ({string.Join(",", value.shape)}) where a DCGAN generator of {Describe(generator.Options)} has ({string.Join(",", target.shape)})");
        }
        using var _ = no_grad();
        foreach (var (key, target) in wanted) target.copy_(stateDict[key]);
    }

    /// <summary>
    /// The WaifuLab model shape of a generator saved by main.py (or by <see cref="FromGenerator"/>), read from its
    /// weights: nz and the 4x4 stage's width from main.0.weight, the image size from the number of 4x4 transposed convs,
    /// extra blocks from the 3x3 convs. Throws <see cref="InvalidDataException"/> when the file is no such generator.
    /// </summary>
    public static GanModelOptions GeneratorOptions(IReadOnlyDictionary<string, Tensor> stateDict, string source)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var weights = stateDict
            .Select(kv => (Match: WeightKey().Match(kv.Key), kv.Value))
            .Where(x => x.Match.Success && x.Value.dim() == 4)
            .Select(x => (Index: int.Parse(x.Match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), x.Value))
            .OrderBy(x => x.Index).Select(x => x.Value).ToList();
        if (weights.Count == 0)
            throw new InvalidDataException($"{source} holds no DCGAN generator weights (main.0.weight, main.3.weight, ... as pytorch/examples dcgan/main.py saves them); its keys: {List(stateDict.Keys.ToList())}");
        var upsampling = weights.Where(w => w.shape[2] == 4 && w.shape[3] == 4).ToList();
        int extra = weights.Count(w => w.shape[2] == 3 && w.shape[3] == 3);
        int stages = upsampling.Count - 1;
        var first = weights[0];
        if (stages < 1 || first.shape[2] != 4)
            throw new InvalidDataException($"{source} is not a DCGAN generator: main.0.weight should be a 4x4 transposed conv from the noise, and more 4x4 transposed convs should follow");
        long lastChannels = upsampling[^1].shape[1];
        if (lastChannels != 3)
            throw new InvalidDataException($"{source} makes {lastChannels}-channel images (main.py's nc); WaifuLab's models make RGB images (nc 3)");
        int size = 4 << stages;
        if (!GanModelOptions.SupportedSizes.Contains(size))
            throw new InvalidDataException($"{source} makes {size} px images; WaifuLab supports {string.Join(", ", GanModelOptions.SupportedSizes)} px");
        long topMultiplier = 1L << (stages - 1);
        if (first.shape[1] % topMultiplier != 0 || extra % stages != 0)
            throw new InvalidDataException($"{source} does not have the DCGAN layout (widths halving from {first.shape[1]} over {stages} stages, the same number of extra blocks in each)");
        int ngf = (int)(first.shape[1] / topMultiplier);
        return new GanModelOptions(ImageSize: size, Nz: (int)first.shape[0], Ngf: ngf, Ndf: ngf, ExtraBlocks: extra / stages).Validate();
    }

    /// <summary>The pytorch/examples dcgan/main.py flags that build the same Generator, or null when main.py has no such model.</summary>
    public static string? MainPyFlags(GanModelOptions model) =>
        model.ImageSize == 64 && model.ExtraBlocks == 0 ? $"--nz {model.Nz} --ngf {model.Ngf} --ndf {model.Ndf} --imageSize 64" : null;

    static Dictionary<string, string> GeneratorNames(DcganGenerator generator) => Positions(generator, "main", 0);

    // Our layer paths (e.g. "features.conv2") -> main.py's ("main.2"), by position in the named Sequential.
    static Dictionary<string, string> Positions(nn.Module owner, string sequential, int start)
    {
        var seq = owner.named_children().FirstOrDefault(c => c.name == sequential).module as Sequential
            ?? throw new InvalidOperationException($"{owner.GetType().Name} has no Sequential '{sequential}'");
        var names = new Dictionary<string, string>();
        int i = start;
        foreach (var (name, _) in seq.named_children()) names[$"{sequential}.{name}"] = $"main.{i++}";
        return names;
    }

    static Dictionary<string, Tensor> Rename(nn.Module module, Dictionary<string, string> layers)
    {
        var modules = module.named_modules().ToDictionary(m => m.name, m => m.module);
        var result = new Dictionary<string, Tensor>();
        foreach (var (key, value) in module.state_dict())
        {
            var (layer, field) = Split(key);
            var m = modules[layer];
            if (SpectralNorm.IsApplied(m))
            {
                if (field is "sn_u" or "sn_v") continue;
                if (field == "weight") { result[Map(key, layers)] = SpectralNorm.NormalizedWeight(m); continue; }
            }
            result[Map(key, layers)] = value.detach();
        }
        return result;
    }

    static string Map(string key, Dictionary<string, string> layers)
    {
        var (layer, field) = Split(key);
        return layers.TryGetValue(layer, out var mapped) ? $"{mapped}.{field}"
            : throw new InvalidOperationException($"no pytorch/examples name for layer '{layer}'");
    }

    static (string Layer, string Field) Split(string key)
    {
        int dot = key.LastIndexOf('.');
        return (key[..dot], key[(dot + 1)..]);
    }

    static string Describe(GanModelOptions o) => $"{o.ImageSize} px, nz {o.Nz}, ngf {o.Ngf}" + (o.ExtraBlocks > 0 ? $", {o.ExtraBlocks} extra blocks per stage" : "");

    static string List(IReadOnlyList<string> keys) => string.Join(", ", keys.Take(6)) + (keys.Count > 6 ? $" and {keys.Count - 6} more" : "");

    [GeneratedRegex(@"^main\.(\d+)\.weight$")]
    private static partial Regex WeightKey();
}
