using System.Text.Json.Nodes;

namespace WaifuLab.Notebooks;

/// <summary>
/// One cell of a notebook: its type ("code", "markdown", "raw"), source, metadata (tags, the Polyglot kernel
/// name) and, for code cells, outputs and execution count. Keys this class does not know are kept as they were.
/// </summary>
public sealed class NotebookCell
{
    private static readonly HashSet<string> Known = ["cell_type", "id", "source", "metadata", "outputs", "execution_count"];

    public string CellType { get; set; }
    public string? Id { get; set; }
    public string Source { get; set; }
    public JsonObject Metadata { get; set; }
    public List<NotebookOutput> Outputs { get; } = [];
    public int? ExecutionCount { get; set; }

    /// <summary>Other keys of the cell (attachments, ...), written back unchanged.</summary>
    public JsonObject Extra { get; } = [];

    public NotebookCell(string cellType, string source, JsonObject? metadata = null, string? id = null)
    {
        CellType = cellType;
        Source = source;
        Metadata = metadata ?? [];
        Id = id;
    }

    /// <summary>A C# code cell with the metadata Polyglot Notebooks writes, so VS Code opens it as C#.</summary>
    public static NotebookCell Code(string source, params string[] tags)
    {
        var metadata = new JsonObject
        {
            ["dotnet_interactive"] = new JsonObject { ["language"] = "csharp" },
            ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" },
        };
        if (tags.Length > 0) metadata["tags"] = new JsonArray(tags.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray());
        return new NotebookCell("code", source, metadata);
    }

    public static NotebookCell Markdown(string source) => new("markdown", source);

    public bool IsCode => CellType == "code";

    public IReadOnlyList<string> Tags =>
        Metadata["tags"] is JsonArray tags ? tags.Select(t => t?.GetValue<string>() ?? "").ToList() : [];

    public bool HasTag(string tag) => Tags.Contains(tag);

    /// <summary>The kernel the cell names in its Polyglot metadata ("csharp", "fsharp", "markdown", ...), if any.</summary>
    public string? KernelName =>
        Metadata["polyglot_notebook"]?["kernelName"]?.GetValue<string>()
        ?? Metadata["dotnet_interactive"]?["language"]?.GetValue<string>();

    internal static NotebookCell FromJson(JsonObject json, int index)
    {
        var type = json["cell_type"]?.GetValue<string>()
            ?? throw new InvalidDataException($"cell {index} has no 'cell_type'");
        var source = json["source"] is { } s ? NotebookJson.JoinText(s) : "";
        var cell = new NotebookCell(type, source, json["metadata"] as JsonObject is { } m ? (JsonObject)m.DeepClone() : [],
            json["id"]?.GetValue<string>());
        if (json["execution_count"] is JsonValue count && count.TryGetValue<int>(out var n)) cell.ExecutionCount = n;
        if (json["outputs"] is JsonArray outputs)
            foreach (var o in outputs)
                cell.Outputs.Add(new NotebookOutput(o as JsonObject is { } obj ? (JsonObject)obj.DeepClone()
                    : throw new InvalidDataException($"cell {index} has an output that is not an object")));
        foreach (var (key, value) in json)
            if (!Known.Contains(key)) cell.Extra[key] = value?.DeepClone();
        return cell;
    }

    internal JsonObject ToJson()
    {
        var json = new JsonObject { ["cell_type"] = CellType };
        if (IsCode) json["execution_count"] = ExecutionCount;
        if (Id is not null) json["id"] = Id;
        json["metadata"] = Metadata.DeepClone();
        if (IsCode) json["outputs"] = new JsonArray(Outputs.Select(o => (JsonNode?)o.Json.DeepClone()).ToArray());
        json["source"] = NotebookJson.SplitLines(Source);
        foreach (var (key, value) in Extra) json[key] = value?.DeepClone();
        return json;
    }
}
