using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace WaifuLab.Training;

/// <summary>
/// An exclusive lock on a run folder, held for a run's life, so two trainers (or a trainer and a resume) never write
/// the same folder. It is an OS file lock (flock on Linux, a share-mode lock on Windows) on RUN/.lock, so the kernel
/// releases it when the holder dies, even by kill -9: a stale lock cannot exist. The holder's description (process id,
/// command, start time) is written beside it in RUN/.lock.owner, which the refused process reads for its message.
/// </summary>
public sealed class RunLock : IDisposable
{
    public const string FileName = ".lock";
    public const string OwnerFileName = ".lock.owner";

    // Roots this process holds a lock on, with a count: a notebook kernel may still hold its earlier trainer's lock
    // when a cell starts that run afresh (RunFolder.Discard), and that is not another process's run.
    static readonly ConcurrentDictionary<string, int> HeldHere = new();

    readonly FileStream _stream;
    bool _disposed;

    RunLock(string root, FileStream stream)
    {
        Root = root;
        _stream = stream;
    }

    /// <summary>The run folder this lock holds.</summary>
    public string Root { get; }

    /// <summary>
    /// Takes the lock on <paramref name="runFolder"/> (creating the folder), or throws <see cref="RunFolderBusyException"/>
    /// naming the process that holds it.
    /// </summary>
    public static RunLock Acquire(string runFolder)
    {
        var root = Path.GetFullPath(runFolder);
        Directory.CreateDirectory(root);
        var path = Path.Combine(root, FileName);
        FileStream stream;
        try
        {
            // FileShare.None: .NET takes flock(LOCK_EX | LOCK_NB) on Unix and fails at once when another process holds it.
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException && File.Exists(path))
        {
            throw new RunFolderBusyException(root, Owner(root), e);
        }
        try
        {
            using var process = Process.GetCurrentProcess();
            var owner = string.Create(CultureInfo.InvariantCulture,
                $"process {Environment.ProcessId} ({Describe(process)}) since {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC");
            AtomicFile.WriteAllText(Path.Combine(root, OwnerFileName), owner + "\n");
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        HeldHere.AddOrUpdate(root, 1, (_, n) => n + 1);
        return new RunLock(root, stream);
    }

    /// <summary>Whether this process holds the lock on <paramref name="runFolder"/> (through a trainer not yet disposed).</summary>
    public static bool IsHeldHere(string runFolder) => HeldHere.ContainsKey(Path.GetFullPath(runFolder));

    /// <summary>Who holds the lock, as its owner file says; "another process" when unreadable.</summary>
    static string Owner(string root)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(root, OwnerFileName)).Trim();
            return text.Length > 0 ? text : "another process";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "another process";
        }
    }

    static string Describe(Process p)
    {
        try
        {
            var args = Environment.GetCommandLineArgs();
            return args.Length > 1 ? $"{Path.GetFileName(args[0])} {string.Join(' ', args.Skip(1))}" : p.ProcessName;
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException)
        {
            return "unknown command";
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stream.Dispose();
        // Decrement, removing the entry at zero; a concurrent Acquire of the same root retries.
        while (HeldHere.TryGetValue(Root, out int n))
            if (n > 1 ? HeldHere.TryUpdate(Root, n - 1, n) : HeldHere.TryRemove(new KeyValuePair<string, int>(Root, n))) break;
    }
}
