using System.Security.Cryptography;
using System.Text;

namespace WaifuLab.Data;

/// <summary>
/// On-disk cache of decoded pixels for one (size, file list) pair, so a second load skips decoding. Layout: magic,
/// format version, size, count, the 32-byte key; then per file one flag byte (1 decoded, 0 corrupt) and size*size*3
/// planar RGB bytes; then a SHA-256 of everything before it. The key hashes the size and each file's relative path, length
/// and modification time, so any added, removed or edited image makes a new key: a stale cache is simply not found.
/// A cache whose length or checksum is wrong is ignored (and then replaced). Written to a temporary file and moved
/// into place, so a crash never leaves a half-written cache under the real name.
/// </summary>
internal static class DecodeCache
{
    // Bump when the decoder's output changes (crop, filters), so caches of the old pixels are not reused.
    const int FormatVersion = 2;
    static readonly byte[] Magic = "WLDC"u8.ToArray();
    const int HeaderBytes = 4 + 4 + 4 + 4 + 32;

    /// <summary>Receives one cached image: its index, whether it decoded, and its RGB bytes (empty when it did not).</summary>
    public delegate void ImageRead(int index, bool decoded, ReadOnlySpan<byte> rgb);

    public static byte[] Key(string folder, IReadOnlyList<string> files, int size)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"waifulab decode cache v{FormatVersion}\n{size}\n"));
        foreach (var rel in files)
        {
            var info = new FileInfo(Path.Combine(folder, rel));
            hash.AppendData(Encoding.UTF8.GetBytes($"{rel}\t{info.Length}\t{info.LastWriteTimeUtc.Ticks}\n"));
        }
        return hash.GetHashAndReset();
    }

    public static string PathFor(string cacheDir, int size, byte[] key) =>
        Path.Combine(cacheDir, $"images-{size}px-{Convert.ToHexStringLower(key)[..16]}.bin");

    /// <summary>
    /// Streams a cache into <paramref name="onImage"/>. Returns false with a
    /// note when the file is missing, of another key, truncated or fails its checksum; the caller then decodes.
    /// </summary>
    public static bool TryRead(string path, int size, byte[] key, int count, ImageRead onImage,
        CancellationToken ct, out string? note)
    {
        note = null;
        if (!File.Exists(path)) return false;
        int pixels = size * size * 3, record = 1 + pixels;
        long expected = HeaderBytes + (long)count * record + 32;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            if (stream.Length != expected) { note = $"ignored cache {path}: {stream.Length} bytes, expected {expected}"; return false; }
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var header = new byte[HeaderBytes];
            stream.ReadExactly(header);
            hash.AppendData(header);
            if (!header.AsSpan(0, 4).SequenceEqual(Magic) || BitConverter.ToInt32(header, 4) != FormatVersion
                || BitConverter.ToInt32(header, 8) != size || BitConverter.ToInt32(header, 12) != count
                || !header.AsSpan(16, 32).SequenceEqual(key))
            {
                note = $"ignored cache {path}: it was written for other files or another version";
                return false;
            }
            // Read the records first into the caller, and check the checksum at the end: a caller must discard what it
            // received when this returns false.
            const int perRead = 256;
            var buffer = new byte[perRead * record];
            for (int start = 0; start < count; start += perRead)
            {
                ct.ThrowIfCancellationRequested();
                int n = Math.Min(perRead, count - start);
                var span = buffer.AsSpan(0, n * record);
                stream.ReadExactly(span);
                hash.AppendData(span);
                for (int i = 0; i < n; i++)
                {
                    var rec = span.Slice(i * record, record);
                    if (rec[0] == 1) onImage(start + i, true, rec[1..]);
                    else if (rec[0] == 0) onImage(start + i, false, default);
                    else { note = $"ignored cache {path}: bad record flag"; return false; }
                }
            }
            var stored = new byte[32];
            stream.ReadExactly(stored);
            if (!stored.AsSpan().SequenceEqual(hash.GetHashAndReset()))
            {
                note = $"ignored cache {path}: checksum mismatch (corrupt)";
                return false;
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            note = $"ignored cache {path}: {e.Message}";
            return false;
        }
    }

    /// <summary>
    /// Writes a cache record by record into a temporary file; <see cref="Commit"/> moves it into place. Disk errors
    /// (full, read-only) never stop a load: the writer records the first one in <see cref="Failure"/> and stops writing.
    /// </summary>
    public sealed class Writer : IDisposable
    {
        readonly string _path, _temp;
        readonly FileStream _stream;
        readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        readonly int _size;
        readonly byte[] _empty;
        bool _committed;

        Writer(string path, int size, byte[] key, int count)
        {
            _path = path;
            _size = size;
            _empty = new byte[size * size * 3];
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            // Streamed over the whole decode, so not through AtomicFile.Write's callback, but with its temporary names:
            // what a killed load leaves is removed by the next one.
            WaifuLab.Training.AtomicFile.RemoveOrphans(Path.GetDirectoryName(Path.GetFullPath(path))!);
            _temp = WaifuLab.Training.AtomicFile.TempPath(Path.GetFullPath(path));
            _stream = new FileStream(_temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
            var header = new byte[HeaderBytes];
            Magic.CopyTo(header, 0);
            BitConverter.TryWriteBytes(header.AsSpan(4), FormatVersion);
            BitConverter.TryWriteBytes(header.AsSpan(8), size);
            BitConverter.TryWriteBytes(header.AsSpan(12), count);
            key.CopyTo(header, 16);
            Write(header);
        }

        /// <summary>A writer, or null with the reason when the cache folder cannot be written.</summary>
        public static Writer? TryCreate(string path, int size, byte[] key, int count, out string? error)
        {
            error = null;
            try { return new Writer(path, size, key, count); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = $"could not write the cache {path}: {e.Message}";
                return null;
            }
        }

        /// <summary>Why the cache could not be written; null while all is well.</summary>
        public string? Failure { get; private set; }

        public void Add(byte[]? rgb)
        {
            Write([(byte)(rgb is null ? 0 : 1)]);
            Write(rgb ?? _empty);
        }

        /// <summary>Finishes the file, moves it into place and deletes older caches of the same size; false if writing failed.</summary>
        public bool Commit()
        {
            if (Failure is not null) return false;
            try
            {
                _stream.Write(_hash.GetHashAndReset());
                _stream.Flush(flushToDisk: true);
                _stream.Dispose();
                File.Move(_temp, _path, overwrite: true);
                _committed = true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Failure = $"could not write the cache {_path}: {e.Message}";
                return false;
            }
            foreach (var old in Directory.EnumerateFiles(Path.GetDirectoryName(_path)!, $"images-{_size}px-*.bin"))
                if (!string.Equals(Path.GetFullPath(old), Path.GetFullPath(_path), StringComparison.Ordinal))
                    try { File.Delete(old); } catch (IOException) { } // another process may be reading it; it is only disk space
            return true;
        }

        void Write(ReadOnlySpan<byte> bytes)
        {
            if (Failure is not null) return;
            try
            {
                _hash.AppendData(bytes);
                _stream.Write(bytes);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Failure = $"could not write the cache {_path}: {e.Message}";
            }
        }

        public void Dispose()
        {
            _hash.Dispose();
            if (_committed) return;
            try { _stream.Dispose(); } catch (IOException) { }
            try { File.Delete(_temp); } catch (IOException) { }
        }
    }
}
