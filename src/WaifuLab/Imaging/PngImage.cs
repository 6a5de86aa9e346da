namespace WaifuLab.Imaging;

/// <summary>An encoded PNG with its size: what grids, samples and figures are, on disk and in notebooks.</summary>
public sealed record PngImage(byte[] Bytes, int Width, int Height)
{
    /// <summary>Writes the PNG atomically (temporary file, then rename), creating the folder.</summary>
    public void Save(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        File.WriteAllBytes(temp, Bytes);
        File.Move(temp, path, overwrite: true);
    }

    public string ToBase64() => Convert.ToBase64String(Bytes);

    public override string ToString() => $"PNG {Width}x{Height} ({Bytes.Length:N0} bytes)";
}
