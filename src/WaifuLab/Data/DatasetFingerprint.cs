using System.Security.Cryptography;
using System.Text;

namespace WaifuLab.Data;

/// <summary>
/// Identifies the files a dataset was loaded from by their names and sizes (cheap: no pixels are read), so a resumed
/// run can tell that it is given the same data and not merely a folder with as many images.
/// </summary>
public static class DatasetFingerprint
{
    /// <summary>Hex SHA-256 prefix of "relative-path TAB bytes" per file, in dataset order.</summary>
    public static string Of(string folder, IEnumerable<string> relativeFiles)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var rel in relativeFiles)
        {
            long length = new FileInfo(Path.Combine(folder, rel)).Length;
            hash.AppendData(Encoding.UTF8.GetBytes($"{rel}\t{length}\n"));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
