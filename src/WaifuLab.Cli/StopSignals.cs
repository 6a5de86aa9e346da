using System.Runtime.InteropServices;

namespace WaifuLab.Cli;

/// <summary>
/// Turns Ctrl+C (SIGINT), SIGTERM (what `kill`, systemd, Docker and CI runners send) and SIGHUP (a closed terminal) into
/// one cancellation: the trainer finishes its iteration, checkpoints and exits. A second signal stops at once, for a
/// run that is stuck.
/// </summary>
public sealed class StopSignals : IDisposable
{
    readonly CancellationTokenSource _cts = new();
    readonly List<PosixSignalRegistration> _registrations = [];

    public StopSignals(TextWriter log)
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                if (_cts.IsCancellationRequested) return; // the second signal: let it end the process
                context.Cancel = true;
                log.WriteLine($"{context.Signal}: stopping after this iteration (checkpointing); send it again to stop at once");
                _cts.Cancel();
            }));
    }

    public CancellationToken Token => _cts.Token;

    /// <summary>
    /// Makes a write past the file-size limit (ulimit -f) fail with an error the command reports, keeping the last good
    /// file, instead of SIGXFSZ killing the process mid-write. Unix only; a no-op elsewhere.
    /// </summary>
    public static void ReportFileSizeLimitAsError()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        const int SIGXFSZ_Linux = 25; // same number on macOS
        _fileSizeLimit ??= PosixSignalRegistration.Create((PosixSignal)SIGXFSZ_Linux, context => context.Cancel = true);
    }

    static PosixSignalRegistration? _fileSizeLimit;

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _cts.Dispose();
    }
}
