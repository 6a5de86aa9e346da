using System.Security.Cryptography;
using System.Text;

namespace WaifuLab.Training;

/// <summary>
/// The framing of a checkpoint file, which commits a run's state and the history that led to it as one unit:
/// magic, the JSON <see cref="CheckpointHeader"/>, the history (CSV), the weights and optimiser states, and last a
/// SHA-256 of everything before it. Written through <see cref="AtomicFile"/>, so the pair is replaced together or not at
/// all; a kill between a checkpoint and history.csv can no longer leave them disagreeing. On load the checksum is
/// verified first (flipped bytes or a torn copy are refused, naming the file), then the history is checked to reach the
/// checkpoint's iteration.
/// </summary>
public static class CheckpointFile
{
    const int HashBytes = 32;

    /// <summary>Writes <paramref name="path"/> atomically: header, <paramref name="history"/>, then <paramref name="payload"/>'s bytes, then the checksum.</summary>
    public static void Write(string path, CheckpointHeader header, TrainHistory history, Action<BinaryWriter> payload) =>
        AtomicFile.Write(path, stream =>
        {
            using var hashing = new HashingStream(stream);
            using (var w = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
            {
                w.Write(CheckpointHeader.Magic);
                w.Write(TrainingJson.Serialize(header));
                w.Write(history.ToCsv());
                payload(w);
            }
            stream.Write(hashing.Hash());
        });

    /// <summary>Reads only the header (no checksum pass): what was trained and how far.</summary>
    public static CheckpointHeader ReadHeader(string path)
    {
        using var stream = OpenFile(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        return ReadHeader(reader, path);
    }

    /// <summary>
    /// Opens <paramref name="path"/> after verifying its checksum, and reads its header and history; the returned
    /// reader (which owns the file; dispose it) is positioned at the payload. Throws <see cref="InvalidDataException"/> naming the file when it is not a
    /// checkpoint, is cut short or damaged, or its history does not reach its iteration.
    /// </summary>
    public static (CheckpointHeader Header, TrainHistory History, BinaryReader Payload) Open(string path)
    {
        var stream = OpenFile(path);
        try
        {
            var reader = new BinaryReader(stream, Encoding.UTF8);
            var header = ReadHeader(reader, path); // first, so a non-checkpoint or an old format gets its own message
            Verify(stream, path);
            stream.Position = 0;
            reader.ReadString();
            reader.ReadString();
            var history = TrainHistory.Parse(reader.ReadString(), $"the history inside {path}");
            if (history.Count != header.Iteration || (history.Last is { } last && last.Iteration != header.Iteration))
                throw new InvalidDataException(
                    $"{path} holds weights at iteration {header.Iteration} but a history of {history.Count} rows up to iteration {history.Last?.Iteration ?? 0}: the checkpoint is inconsistent; resume from a copy or start a new run");
            return (header, history, reader);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    static FileStream OpenFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint not found: {path}", path);
        return File.OpenRead(path);
    }

    static CheckpointHeader ReadHeader(BinaryReader reader, string path)
    {
        string magic, json;
        try { magic = reader.ReadString(); }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException) { magic = ""; }
        if (magic != CheckpointHeader.Magic)
            throw new InvalidDataException($"{path} is not a WaifuLab checkpoint");
        try { json = reader.ReadString(); }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException)
        {
            throw new InvalidDataException($"{path} is cut short inside its header: the file is incomplete; use an intact copy", e);
        }
        var header = TrainingJson.Deserialize<CheckpointHeader>(json, path);
        if (header.FormatVersion != CheckpointHeader.CurrentFormat)
            throw new InvalidDataException($"{path} has checkpoint format {header.FormatVersion}; this WaifuLab reads format {CheckpointHeader.CurrentFormat}");
        return header;
    }

    static void Verify(FileStream stream, string path)
    {
        long length = stream.Length;
        if (length < HashBytes) throw new InvalidDataException($"{path} is cut short: no checksum at its end; use an intact copy");
        stream.Position = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        for (long left = length - HashBytes; left > 0;)
        {
            int n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (n == 0) break;
            hash.AppendData(buffer, 0, n);
            left -= n;
        }
        var stored = new byte[HashBytes];
        stream.ReadExactly(stored);
        if (!CryptographicOperations.FixedTimeEquals(hash.GetHashAndReset(), stored))
            throw new InvalidDataException($"{path} fails its checksum: the file is damaged or cut short; use an intact copy");
    }

    /// <summary>Passes writes through to a stream while hashing them.</summary>
    sealed class HashingStream(Stream inner) : Stream
    {
        readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public byte[] Hash() => _hash.GetHashAndReset();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            inner.Write(buffer);
        }
        public override void WriteByte(byte value) => Write([value]);
        public override void Flush() => inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
