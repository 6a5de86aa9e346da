using System.Globalization;

namespace WaifuLab.Data;

/// <summary>
/// Infers a <see cref="LabelSchema"/> from a labels table when none is given: a column whose values all parse as numbers
/// becomes continuous with the data's min and max; any other column categorical with its distinct values sorted.
/// Flags written 0/1 (and yes/no, true/false) are categorical: a flag is a choice, not a quantity.
/// </summary>
public static class LabelSchemaInference
{
    public static LabelSchema Infer(LabelTable table)
    {
        if (table.Columns.Count == 0)
            throw new LabelFileException(table.Path, null, null, "the header has no attribute columns after 'file'; add at least one, e.g. 'file,hair'");
        if (table.Rows.Count == 0)
            throw new LabelFileException(table.Path, null, null, "the file has a header but no rows; add one row per image");
        return new LabelSchema(table.Columns.Select(c => InferColumn(table, c)).ToList());
    }

    static AttributeSpec InferColumn(LabelTable table, string column)
    {
        var values = new List<string>(table.Rows.Count);
        foreach (var row in table.Rows)
        {
            var text = row.Values[column].Trim();
            if (text.Length == 0)
                throw new LabelFileException(table.Path, row.Line, column, $"the value for '{row.File}' is empty; fill it in or remove the row");
            values.Add(text);
        }

        var numbers = new List<double>(values.Count);
        foreach (var v in values)
        {
            if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || !double.IsFinite(x)) break;
            numbers.Add(x);
        }
        bool numeric = numbers.Count == values.Count;
        bool flag = numeric && numbers.All(x => x == 0 || x == 1);
        if (numeric && !flag)
        {
            double min = numbers.Min(), max = numbers.Max();
            // A constant column still needs a non-empty range to scale by; it then encodes as 0 everywhere.
            return AttributeSpec.Continuous(column, min, max > min ? max : min + 1);
        }

        // Distinct case-insensitively, because AttributeSpec.IndexOf matches that way; the first spelling seen wins.
        var distinct = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var v in values)
            if (seen.Add(v)) distinct.Add(v);
        distinct.Sort(StringComparer.OrdinalIgnoreCase);
        return AttributeSpec.Categorical(column, [.. distinct]);
    }
}
