using System.Text.Json;
using System.Text.Json.Serialization;
using WaifuLab.Data;

namespace WaifuLab.Evaluation;

/// <summary>
/// The classifier file: a magic string, a format version, a JSON header (schema, image size, options, report),
/// then the network's weights in TorchSharp's format. The header makes a file self-describing: loading needs
/// nothing but the path.
/// </summary>
internal static class ClassifierFile
{
    public const string Magic = "WAIFULAB-ATTRIBUTE-CLASSIFIER";
    public const int Version = 1;

    public sealed record Header(LabelSchema Schema, int ImageSize, AttributeClassifierOptions Options, ClassifierReport? Report);

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        // Reports hold NaN for figures that do not apply (accuracy of a continuous attribute).
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public static void WriteHeader(BinaryWriter writer, Header header)
    {
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(JsonSerializer.Serialize(header, Json));
    }

    public static Header ReadHeader(BinaryReader reader, string path)
    {
        string magic;
        try { magic = reader.ReadString(); }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException)
        {
            throw new InvalidDataException($"{path} is not a WaifuLab attribute classifier file (it is empty or truncated)", e);
        }
        if (magic != Magic)
            throw new InvalidDataException($"{path} is not a WaifuLab attribute classifier file; delete it or point at a file written by AttributeClassifier.Save");
        int version = reader.ReadInt32();
        if (version != Version)
            throw new InvalidDataException($"{path} is a classifier file of format {version}; this WaifuLab reads format {Version}. Retrain the classifier.");
        try
        {
            return JsonSerializer.Deserialize<Header>(reader.ReadString(), Json)
                ?? throw new InvalidDataException($"{path} has an empty classifier header");
        }
        catch (Exception e) when (e is JsonException or EndOfStreamException or NotSupportedException)
        {
            throw new InvalidDataException($"{path} has a damaged classifier header: {e.Message}", e);
        }
    }
}
