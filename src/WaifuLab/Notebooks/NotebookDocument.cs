using System.Text.Json;
using System.Text.Json.Nodes;

namespace WaifuLab.Notebooks;

/// <summary>
/// A Jupyter notebook (nbformat 4) as Polyglot Notebooks writes it: cells plus notebook metadata. Loading and
/// saving keep metadata this class does not know, so the file still opens in VS Code and Jupyter.
/// </summary>
public sealed class NotebookDocument
{
    public int FormatMajor { get; }
    public int FormatMinor { get; set; }
    public JsonObject Metadata { get; }
    public List<NotebookCell> Cells { get; }

    public NotebookDocument(List<NotebookCell>? cells = null, JsonObject? metadata = null, int formatMinor = 5)
    {
        FormatMajor = 4;
        FormatMinor = formatMinor;
        Cells = cells ?? [];
        Metadata = metadata ?? PolyglotMetadata();
    }

    /// <summary>The notebook metadata of a C# Polyglot notebook: kernelspec ".net-csharp".</summary>
    public static JsonObject PolyglotMetadata() => new()
    {
        ["kernelspec"] = new JsonObject
        {
            ["display_name"] = ".NET (C#)",
            ["language"] = "C#",
            ["name"] = ".net-csharp",
        },
        ["language_info"] = new JsonObject { ["name"] = "polyglot-notebook" },
        ["polyglot_notebook"] = new JsonObject
        {
            ["kernelInfo"] = new JsonObject
            {
                ["defaultKernelName"] = "csharp",
                ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["name"] = "csharp" }),
            },
        },
    };

    public static NotebookDocument Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (FileNotFoundException) { throw new FileNotFoundException($"notebook not found: {path}", path); }
        try { return Parse(text); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path}: {e.Message}", e); }
    }

    public static NotebookDocument Parse(string json)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(json); }
        catch (JsonException e) { throw new InvalidDataException($"not a notebook: invalid JSON ({e.Message})", e); }
        if (root is not JsonObject obj) throw new InvalidDataException("not a notebook: the top level is not a JSON object");
        var major = obj["nbformat"]?.GetValue<int>() ?? throw new InvalidDataException("not a notebook: no 'nbformat'");
        if (major != 4) throw new InvalidDataException($"nbformat {major} is not supported; convert it to nbformat 4 (jupyter nbconvert --to notebook)");
        var minor = obj["nbformat_minor"]?.GetValue<int>() ?? 0;
        if (obj["cells"] is not JsonArray cells) throw new InvalidDataException("not a notebook: no 'cells' array");
        var list = cells.Select((c, i) => NotebookCell.FromJson(c as JsonObject
            ?? throw new InvalidDataException($"cell {i} is not an object"), i)).ToList();
        var metadata = obj["metadata"] as JsonObject is { } m ? (JsonObject)m.DeepClone() : [];
        return new NotebookDocument(list, metadata, minor);
    }

    public string ToJson()
    {
        var root = new JsonObject
        {
            ["cells"] = new JsonArray(Cells.Select(c => (JsonNode?)c.ToJson()).ToArray()),
            ["metadata"] = Metadata.DeepClone(),
            ["nbformat"] = FormatMajor,
            ["nbformat_minor"] = FormatMinor,
        };
        return root.ToJsonString(NotebookJson.WriteOptions) + "\n";
    }

    /// <summary>Writes the notebook atomically (temporary file, then rename): a crash never leaves half a notebook.</summary>
    public void Save(string path) => WaifuLab.Training.AtomicFile.WriteAllText(path, ToJson());

    /// <summary>A fresh cell id (nbformat 4.5: 1-64 characters of [a-zA-Z0-9-_], unique in the notebook).</summary>
    public string NewCellId()
    {
        string id;
        do id = Guid.NewGuid().ToString("N")[..8];
        while (Cells.Any(c => c.Id == id));
        return id;
    }
}
