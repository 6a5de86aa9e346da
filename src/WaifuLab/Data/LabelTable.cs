using System.Text;

namespace WaifuLab.Data;

/// <summary>
/// A labels CSV: a header <c>file,&lt;attribute&gt;...</c> and one row per image. RFC 4180 quoting (quoted fields may hold
/// commas, quotes as "" and line breaks); numbers are read with the invariant culture by the schema. File names are
/// relative to the image folder; '\' is read as '/' so tables written on Windows work.
/// </summary>
public sealed class LabelTable
{
    readonly Dictionary<string, LabelRow> _byFile;

    LabelTable(string path, IReadOnlyList<string> columns, IReadOnlyList<LabelRow> rows, Dictionary<string, LabelRow> byFile)
    {
        Path = path;
        Columns = columns;
        Rows = rows;
        _byFile = byFile;
    }

    /// <summary>The file the table came from (or the name given to <see cref="Parse"/>), used in every error message.</summary>
    public string Path { get; }
    /// <summary>Attribute columns in header order (the leading <c>file</c> column excluded).</summary>
    public IReadOnlyList<string> Columns { get; }
    public IReadOnlyList<LabelRow> Rows { get; }

    public bool TryGetRow(string file, out LabelRow row) => _byFile.TryGetValue(NormalizeFile(file), out row!);

    public static LabelTable Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"labels file not found: {path}; give a CSV with a header 'file,<attribute>,...' or load without labels", path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Parse(reader, path);
    }

    public static LabelTable Parse(TextReader reader, string path)
    {
        var records = ReadRecords(reader, path).GetEnumerator();
        if (!records.MoveNext())
            throw new LabelFileException(path, null, null, "the file is empty; it needs a header 'file,<attribute>,...' and one row per image");
        var (headerLine, header) = records.Current;
        // A byte-order mark survives a TextReader that is not a StreamReader (and spreadsheet exports write one).
        if (header.Count > 0) header[0] = header[0].TrimStart('\uFEFF').Trim();
        if (header.Count == 0 || !string.Equals(header[0], "file", StringComparison.OrdinalIgnoreCase))
            throw new LabelFileException(path, headerLine, null,
                $"the first column must be 'file' (the image's path relative to the folder), found '{(header.Count > 0 ? header[0] : "")}'");
        var columns = header.Skip(1).ToList();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in columns)
        {
            if (c.Length == 0) throw new LabelFileException(path, headerLine, null, "a column has an empty name in the header");
            if (!seen.Add(c)) throw new LabelFileException(path, headerLine, c, "the column appears twice in the header");
        }

        var rows = new List<LabelRow>();
        var byFile = new Dictionary<string, LabelRow>(StringComparer.Ordinal);
        while (records.MoveNext())
        {
            var (line, fields) = records.Current;
            if (fields.Count == 1 && fields[0].Length == 0) continue; // blank line
            if (fields.Count != header.Count)
                throw new LabelFileException(path, line, null, $"the row has {fields.Count} fields but the header has {header.Count} ({string.Join(",", header)})");
            var file = NormalizeFile(fields[0]);
            if (file.Length == 0) throw new LabelFileException(path, line, "file", "the file name is empty");
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < columns.Count; i++) values[columns[i]] = fields[i + 1];
            var row = new LabelRow(file, line, values);
            if (byFile.TryGetValue(file, out var earlier))
                throw new LabelFileException(path, line, "file", $"'{file}' already has a row on line {earlier.Line}; keep one row per image");
            byFile[file] = row;
            rows.Add(row);
        }
        return new LabelTable(path, columns, rows, byFile);
    }

    /// <summary>
    /// Checks the table against <paramref name="schema"/>: every attribute has a column and every row's values are valid
    /// (a named value of a categorical attribute, a number within a continuous one's range). Extra columns are ignored.
    /// </summary>
    public void Validate(LabelSchema schema)
    {
        foreach (var a in schema.Attributes)
            if (!Columns.Contains(a.Name, StringComparer.OrdinalIgnoreCase))
                throw new LabelFileException(Path, null, a.Name,
                    $"the column is missing; the schema needs columns {string.Join(", ", schema.Attributes.Select(x => x.Name))} (found: {string.Join(", ", Columns)})");
        foreach (var row in Rows) Encode(schema, row);
    }

    /// <summary>The condition vector of one row, with errors that name this file, the row's line and the column.</summary>
    public float[] Encode(LabelSchema schema, LabelRow row)
    {
        var vector = new float[schema.Width];
        int offset = 0;
        foreach (var a in schema.Attributes)
        {
            if (!row.Values.TryGetValue(a.Name, out var raw))
                throw new LabelFileException(Path, null, a.Name, "the column is missing");
            var text = raw.Trim();
            if (text.Length == 0)
                throw new LabelFileException(Path, row.Line, a.Name, $"the value for '{row.File}' is empty; fill it in ({a}) or remove the row");
            try
            {
                if (a.Kind == AttributeKind.Categorical) vector[offset + a.IndexOf(text)] = 1f;
                else vector[offset] = (float)((a.ParseNumber(text) - a.Min) / (a.Max - a.Min));
            }
            catch (ArgumentException e)
            {
                throw new LabelFileException(Path, row.Line, a.Name, e.Message);
            }
            offset += a.Width;
        }
        return vector;
    }

    internal static string NormalizeFile(string file)
    {
        var f = file.Trim().Replace('\\', '/');
        while (f.StartsWith("./", StringComparison.Ordinal)) f = f[2..];
        return f;
    }

    /// <summary>Splits CSV text into records (with the line each starts on), honouring quotes across line breaks.</summary>
    static IEnumerable<(int Line, List<string> Fields)> ReadRecords(TextReader reader, string path)
    {
        int line = 1, recordLine = 1;
        var fields = new List<string>();
        var field = new StringBuilder();
        bool inQuotes = false, wasQuoted = false, any = false;
        int c;
        while ((c = reader.Read()) != -1)
        {
            any = true;
            char ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else inQuotes = false;
                }
                else
                {
                    if (ch == '\n') line++;
                    field.Append(ch);
                }
                continue;
            }
            switch (ch)
            {
                case '"' when field.ToString().Trim().Length == 0 && !wasQuoted:
                    field.Clear(); inQuotes = true; wasQuoted = true;
                    break;
                case ',':
                    fields.Add(Finish(field, wasQuoted)); wasQuoted = false;
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(Finish(field, wasQuoted)); wasQuoted = false;
                    yield return (recordLine, fields);
                    fields = [];
                    line++; recordLine = line; any = false;
                    break;
                default:
                    if (wasQuoted)
                    {
                        if (!char.IsWhiteSpace(ch))
                            throw new LabelFileException(path, line, null, "text follows a closing quote; write a quote inside a quoted field as \"\"");
                        break;
                    }
                    field.Append(ch);
                    break;
            }
        }
        if (inQuotes) throw new LabelFileException(path, recordLine, null, "a quoted field is not closed");
        if (any)
        {
            fields.Add(Finish(field, wasQuoted));
            yield return (recordLine, fields);
        }
    }

    static string Finish(StringBuilder field, bool quoted)
    {
        var s = quoted ? field.ToString() : field.ToString().Trim();
        field.Clear();
        return s;
    }
}
