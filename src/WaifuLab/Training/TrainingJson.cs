using System.Text.Json;
using System.Text.Json.Serialization;

namespace WaifuLab.Training;

/// <summary>The JSON settings of options.json and checkpoint headers: indented, enums as names.</summary>
public static class TrainingJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) ?? throw new InvalidDataException($"{source} holds no {typeof(T).Name}");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source} is not a valid {typeof(T).Name}: {e.Message}", e);
        }
    }
}
