using System.Text.Json;
using System.Text.Json.Serialization;
using WaifuLab.Backend;
using WaifuLab.Conditional;
using static TorchSharp.torch;

namespace WaifuLab.Projection;

/// <summary>
/// A projection saved as JSON: z, the condition, the attributes read from it and the errors, so a face projected once
/// (minutes at 64 px with restarts) can be edited later without searching again. The curve is not kept.
/// </summary>
public static class ProjectionFile
{
    const string Format = "waifulab-projection";
    const int Version = 1;

    sealed record Document(string Format, int Version, float[] Z, float[] Condition, Dictionary<string, string> Attributes,
        double PixelMse, double FeatureDistance, int BestRestart, double[] RestartLosses, int Steps);

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        // FeatureDistance is NaN without a classifier.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes <paramref name="result"/> to <paramref name="path"/> atomically (a temporary file moved over it).</summary>
    public static void Save(ProjectionResult result, string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var document = new Document(Format, Version, result.Z.data<float>().ToArray(), result.Condition.data<float>().ToArray(),
            new Dictionary<string, string>(result.Attributes, StringComparer.OrdinalIgnoreCase), result.PixelMse, result.FeatureDistance,
            result.BestRestart, result.RestartLosses.ToArray(), result.Curve.Count == 0 ? 0 : result.Curve.Max(s => s.Step) + 1);
        WaifuLab.Training.AtomicFile.WriteAllText(full, JsonSerializer.Serialize(document, Json));
    }

    /// <summary>
    /// Reads a projection written by <see cref="Save"/> for generator <paramref name="g"/> and redraws its
    /// reconstruction. Throws <see cref="InvalidDataException"/> naming the file if it is not a projection or was made
    /// with a generator of other sizes.
    /// </summary>
    public static ProjectionResult Load(string path, ConditionalGenerator g)
    {
        TorchBackend.EnsureLoaded();
        if (!File.Exists(path)) throw new FileNotFoundException($"no projection file at {path}", path);
        Document? d;
        try { d = JsonSerializer.Deserialize<Document>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new InvalidDataException($"{path} is not a WaifuLab projection file ({e.Message})", e); }
        if (d is null || d.Format != Format || d.Z is null || d.Condition is null)
            throw new InvalidDataException($"{path} is not a WaifuLab projection file (no '{Format}' header)");
        if (d.Version != Version)
            throw new InvalidDataException($"{path} is projection format version {d.Version}; this WaifuLab reads version {Version}");
        if (d.Z.Length != g.Options.Nz || d.Condition.Length != g.Options.ConditionSize)
            throw new InvalidDataException($"{path} holds z of {d.Z.Length} and a condition of {d.Condition.Length} entries; this generator takes nz {g.Options.Nz} and a condition of {g.Options.ConditionSize}: load it with the generator it was projected into");
        var z = tensor(d.Z, [1, d.Z.Length]);
        var c = tensor(d.Condition, [1, d.Condition.Length]);
        return new ProjectionResult
        {
            Z = z,
            Condition = c,
            Reconstruction = Rendering.Render(g, z, c),
            PixelMse = d.PixelMse,
            FeatureDistance = d.FeatureDistance,
            BestRestart = d.BestRestart,
            RestartLosses = d.RestartLosses ?? [],
            Curve = [],
            Schema = g.Options.Schema,
            Attributes = ConditionLogits.Describe(d.Condition, g.Options.Schema),
            Elapsed = TimeSpan.Zero,
        };
    }
}
