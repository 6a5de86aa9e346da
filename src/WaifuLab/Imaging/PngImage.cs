namespace WaifuLab.Imaging;

/// <summary>An encoded PNG with its size: what grids, samples and figures are, on disk and in notebooks.</summary>
public sealed record PngImage(byte[] Bytes, int Width, int Height)
{
    /// <summary>Writes the PNG atomically (temporary file, then rename), creating the folder.</summary>
    public void Save(string path) => WaifuLab.Training.AtomicFile.WriteAllBytes(path, Bytes);

    public string ToBase64() => Convert.ToBase64String(Bytes);

    public override string ToString() => $"PNG {Width}x{Height} ({Bytes.Length:N0} bytes)";
}
