using System.Text.Json.Nodes;

namespace WaifuLab.Notebooks;

/// <summary>
/// One Jupyter output (nbformat 4): <c>stream</c>, <c>display_data</c>, <c>execute_result</c> or <c>error</c>.
/// Backed by its JSON object so that outputs written by other tools survive a load/save untouched.
/// </summary>
public sealed class NotebookOutput
{
    public JsonObject Json { get; }

    public NotebookOutput(JsonObject json)
    {
        if (json["output_type"]?.GetValue<string>() is not { Length: > 0 })
            throw new InvalidDataException("a notebook output has no 'output_type'");
        Json = json;
    }

    public string OutputType => Json["output_type"]!.GetValue<string>();

    /// <summary>For a stream: "stdout" or "stderr".</summary>
    public string? StreamName => Json["name"]?.GetValue<string>();

    /// <summary>For a stream: its text, joined.</summary>
    public string? Text => Json["text"] is { } t ? NotebookJson.JoinText(t) : null;

    /// <summary>For display_data/execute_result: the mime bundle's entry for <paramref name="mime"/>, joined.</summary>
    public string? Data(string mime) => Json["data"]?[mime] is { } d ? NotebookJson.JoinText(d) : null;

    public IReadOnlyList<string> MimeTypes =>
        Json["data"] is JsonObject data ? data.Select(kv => kv.Key).ToList() : [];

    public string? ErrorName => Json["ename"]?.GetValue<string>();
    public string? ErrorValue => Json["evalue"]?.GetValue<string>();

    public IReadOnlyList<string> Traceback =>
        Json["traceback"] is JsonArray tb ? tb.Select(n => n!.GetValue<string>()).ToList() : [];

    public static NotebookOutput Stream(string name, string text) => new(new JsonObject
    {
        ["name"] = name,
        ["output_type"] = "stream",
        ["text"] = NotebookJson.SplitLines(text),
    });

    /// <summary>A display_data output of a mime bundle (see <see cref="MimeRenderer"/>).</summary>
    public static NotebookOutput DisplayData(MimeBundle bundle) => new(new JsonObject
    {
        ["data"] = bundle.DataJson(),
        ["metadata"] = bundle.MetadataJson(),
        ["output_type"] = "display_data",
    });

    /// <summary>The value of a cell's last expression.</summary>
    public static NotebookOutput ExecuteResult(MimeBundle bundle, int executionCount) => new(new JsonObject
    {
        ["data"] = bundle.DataJson(),
        ["execution_count"] = executionCount,
        ["metadata"] = bundle.MetadataJson(),
        ["output_type"] = "execute_result",
    });

    public static NotebookOutput Error(string ename, string evalue, IEnumerable<string> traceback) => new(new JsonObject
    {
        ["ename"] = ename,
        ["evalue"] = evalue,
        ["output_type"] = "error",
        ["traceback"] = new JsonArray(traceback.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
    });

    /// <summary>Replaces a display_data output's value, as Jupyter's update_display_data does; the notebook keeps the last.</summary>
    public void ReplaceData(MimeBundle bundle)
    {
        if (OutputType != "display_data") throw new InvalidOperationException($"only a display_data output can be updated, not {OutputType}");
        Json["data"] = bundle.DataJson();
        Json["metadata"] = bundle.MetadataJson();
    }

    /// <summary>Appends text to a stream output (consecutive writes to one stream become one output, as Jupyter shows them).</summary>
    public void AppendText(string text) => Json["text"] = NotebookJson.SplitLines((Text ?? "") + text);
}
