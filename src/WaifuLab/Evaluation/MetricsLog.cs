using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WaifuLab.Evaluation;

/// <summary>
/// A run's evaluations in runs/NAME/metrics.jsonl: one <see cref="EvaluationRecord"/> per line, appended, never
/// rewritten, so a crash loses at most the line being written and readers can tail the file during training.
/// </summary>
public static class MetricsLog
{
    public const string FileName = "metrics.jsonl";

    static readonly JsonSerializerOptions Json = new()
    {
        // JSON has no NaN; a floor measured on too few images is NaN and must survive the round trip.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    /// <summary>The metrics file of the run folder <paramref name="runFolder"/>.</summary>
    public static string PathIn(string runFolder) => Path.Combine(runFolder, FileName);

    /// <summary>Appends one line (creating the file and its folder when needed) with a single write.</summary>
    public static void Append(string path, EvaluationRecord record)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(record, Json) + "\n");
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(line);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// All records of <paramref name="path"/>, oldest first; an empty list when the file does not exist. A torn last
    /// line (a crash mid-write) is skipped; any other bad line throws <see cref="InvalidDataException"/> naming it.
    /// </summary>
    public static IReadOnlyList<EvaluationRecord> Read(string path)
    {
        if (!File.Exists(path)) return [];
        var lines = File.ReadAllLines(path);
        var records = new List<EvaluationRecord>(lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            try
            {
                records.Add(JsonSerializer.Deserialize<EvaluationRecord>(lines[i], Json)
                    ?? throw new JsonException("null record"));
            }
            catch (JsonException e)
            {
                if (i == lines.Length - 1) break;
                throw new InvalidDataException($"{path} line {i + 1} is not an evaluation record: {e.Message}", e);
            }
        }
        return records;
    }
}
