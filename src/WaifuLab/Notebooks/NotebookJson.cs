using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WaifuLab.Notebooks;

/// <summary>The JSON conventions of .ipynb files: multi-line strings as arrays of lines, one-space indent.</summary>
internal static class NotebookJson
{
    /// <summary>Jupyter writes with indent 1 and without escaping HTML characters; doing the same keeps diffs small.</summary>
    public static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        IndentSize = 1,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>A string or an array of strings (nbformat's "multiline string"), joined.</summary>
    public static string JoinText(JsonNode node) => node switch
    {
        JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>() ?? "")),
        JsonValue v => v.GetValue<string>(),
        _ => throw new InvalidDataException($"expected a string or an array of strings, got {node.GetValueKind()}"),
    };

    /// <summary>Splits text into lines that keep their '\n', as Jupyter stores sources and outputs.</summary>
    public static JsonArray SplitLines(string text)
    {
        var array = new JsonArray();
        int start = 0;
        while (start < text.Length)
        {
            int nl = text.IndexOf('\n', start);
            int end = nl < 0 ? text.Length : nl + 1;
            array.Add(text[start..end]);
            start = end;
        }
        return array;
    }
}
