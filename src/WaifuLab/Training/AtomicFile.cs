using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace WaifuLab.Training;

/// <summary>
/// The one way WaifuLab writes a file that someone may read (checkpoints, history, options, PNGs, notebooks, caches'
/// side files): readers see either the old content or the complete new one, never a torn file. It writes to a temporary
/// file in the same folder whose name is unique per process and call (.NAME.PID.GUID.tmp, so parallel writers never
/// share one), flushes it to disk, then renames it over the target. On failure the old file stays, the temporary file
/// is removed, and the error names the target, not the temporary file. A process killed mid-write leaves its temporary
/// file behind; <see cref="RemoveOrphans"/> deletes those of processes that no longer run.
/// </summary>
public static partial class AtomicFile
{
    /// <param name="unixMode">Permissions for the new file (e.g. to keep an executable's); null: the process's default.</param>
    public static void Write(string path, Action<Stream> write, UnixFileMode? unixMode = null)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = TempPath(full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            if (unixMode is { } mode && !OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, mode);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(temp); } catch (Exception d) when (d is IOException or UnauthorizedAccessException) { /* best effort: RemoveOrphans gets it later */ }
            // .NET reports EFBIG (a file-size limit, ulimit -f, or the file system's) as an argument error of Write.
            if (e is ArgumentOutOfRangeException { ParamName: "value" })
                throw new IOException($"could not write {full}: the file would exceed the file-size limit (ulimit -f) or the file system's; the previous version is kept", e);
            if (!e.Message.Contains(temp, StringComparison.Ordinal)) throw;
            // The user knows the target, not our temporary name: say which file could not be written.
            var message = $"could not write {full}: {e.Message.Replace(temp, full, StringComparison.Ordinal)}";
            if (e is UnauthorizedAccessException) throw new UnauthorizedAccessException(message, e);
            throw new IOException(message, e);
        }
    }

    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>A fresh temporary name beside <paramref name="fullPath"/>, in the pattern <see cref="RemoveOrphans"/> recognises.</summary>
    public static string TempPath(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");

    /// <summary>
    /// Deletes the temporary files that writers killed mid-write left in <paramref name="folder"/> (not its subfolders):
    /// those in <see cref="TempPath"/>'s pattern whose process is gone. Returns how many it deleted.
    /// </summary>
    public static int RemoveOrphans(string folder)
    {
        if (!Directory.Exists(folder)) return 0;
        int removed = 0;
        foreach (var file in Directory.EnumerateFiles(folder, ".*.tmp"))
        {
            var m = TempName().Match(Path.GetFileName(file));
            if (!m.Success || !int.TryParse(m.Groups[1].Value, out int pid) || IsRunning(pid)) continue;
            try { File.Delete(file); removed++; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* someone else's to clean */ }
        }
        return removed;
    }

    static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; } // no such process
        catch (InvalidOperationException) { return false; }
    }

    [GeneratedRegex(@"^\..+\.(\d+)\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex TempName();
}
