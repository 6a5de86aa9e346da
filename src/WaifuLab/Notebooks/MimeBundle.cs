using System.Text.Json.Nodes;

namespace WaifuLab.Notebooks;

/// <summary>
/// What a value looks like in a notebook: one text per mime type ("image/png" holds base64), plus per-mime
/// metadata such as an image's size. Front-ends show the richest type they understand.
/// </summary>
public sealed class MimeBundle
{
    private readonly List<(string Mime, string Text)> _data = [];
    private readonly JsonObject _metadata = [];

    public MimeBundle Add(string mime, string text)
    {
        _data.RemoveAll(d => d.Mime == mime);
        _data.Add((mime, text));
        return this;
    }

    public MimeBundle WithMetadata(string mime, JsonObject metadata)
    {
        _metadata[mime] = metadata;
        return this;
    }

    public string? this[string mime] => _data.FirstOrDefault(d => d.Mime == mime).Text;

    public IReadOnlyList<string> MimeTypes => _data.Select(d => d.Mime).ToList();

    internal JsonObject DataJson()
    {
        var data = new JsonObject();
        // base64 payloads stay one string; text is stored as lines like Jupyter does.
        foreach (var (mime, text) in _data)
            data[mime] = mime.StartsWith("image/", StringComparison.Ordinal) && mime != "image/svg+xml"
                ? JsonValue.Create(text) : NotebookJson.SplitLines(text);
        return data;
    }

    internal JsonObject MetadataJson() => (JsonObject)_metadata.DeepClone();
}
