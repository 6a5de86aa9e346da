namespace WaifuLab.Data;

/// <summary>One row of a labels file: the image it describes (relative to the folder, '/' separators), its line and its values by column.</summary>
public sealed record LabelRow(string File, int Line, IReadOnlyDictionary<string, string> Values);
