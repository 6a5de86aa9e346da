using System.Collections;
using System.Reflection;
using System.Runtime.InteropServices;

namespace WaifuLab.Notebooks;

/// <summary>
/// A cancellation token for the running notebook cell that the notebook front-end's stop button cancels:
/// <list type="bullet">
/// <item>VS Code's Polyglot Notebooks send the kernel a Cancel command, which cancels the current
/// <c>KernelInvocationContext</c>'s token (looked up by name: the library does not depend on the kernel);</item>
/// <item>Jupyter's "interrupt kernel" (and VS Code's Jupyter extension) send the kernel process SIGINT, because the
/// kernelspec that <c>dotnet-interactive jupyter install</c> writes has no <c>interrupt_mode</c>. The .NET Interactive
/// kernel's generic host (its <c>ConsoleLifetime</c>) answers SIGINT by shutting the kernel down, losing every
/// variable; and an <c>interrupt_request</c> message is ignored by its control channel. So while the scope is open,
/// SIGINT cancels the token instead: our handler is registered and the host's SIGINT registration is set aside,
/// then put back when the scope ends (outside it, SIGINT stops the kernel as before).</item>
/// </list>
/// Setting the host's registration aside reaches into <see cref="PosixSignalRegistration"/>'s private table (.NET 8-10);
/// where that fails, <see cref="Warning"/> says so and SIGINT keeps its old meaning.
/// A process that was started with SIGINT ignored (a child of a background job of a non-interactive shell, as in a
/// script or under nohup) can never catch it: .NET leaves an ignored signal ignored for the life of the process. Then
/// <see cref="Warning"/> says so too, and only the Polyglot stop button (or <c>outer</c>) can stop the cell.
/// </summary>
public sealed class CellInterrupt : IDisposable
{
    private static readonly object Gate = new();
    private readonly CancellationTokenSource _source;
    private readonly PosixSignalRegistration? _sigint;
    private readonly List<object> _setAside = [];
    private readonly IList? _sigintTokens;
    private int _disposed;

    private CellInterrupt(CancellationToken outer)
    {
        var kernelContext = KernelContextType(); // null outside .NET Interactive
        _source = CancellationTokenSource.CreateLinkedTokenSource(outer, KernelToken(kernelContext));
        if (OperatingSystem.IsWindows()) return; // Jupyter interrupts Windows kernels by an event, not a signal
        if (OperatingSystem.IsLinux() && SigintIgnored(File.ReadAllText("/proc/self/status")))
        {
            // Only a kernel is sent Jupyter's interrupt; a headless run (waifulab notebook run under nohup) has no one to tell.
            if (kernelContext is not null)
                Warning = "this kernel process was started with SIGINT ignored (its launcher ran it as a background job), so Jupyter's interrupt cannot reach it; "
                    + "start Jupyter from a terminal to have it, or stop the cell with VS Code's Polyglot stop button";
            return;
        }
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true; // the process lives on; the cell ends at the next iteration
            Interrupted = true;
            try { _source.Cancel(); } catch (ObjectDisposedException) { }
        });
        try
        {
            _sigintTokens = SigintTokens();
            if (_sigintTokens is null)
                Warning = "cannot set the kernel host's SIGINT handler aside on this .NET: Jupyter's interrupt would stop the kernel (VS Code's Polyglot stop button still works)";
            else
                lock (RegistrationTable()!)
                    foreach (var token in _sigintTokens.Cast<object>().ToList())
                        if (HandlerOwner(token)?.FullName == "Microsoft.Extensions.Hosting.Internal.ConsoleLifetime")
                        {
                            _sigintTokens.Remove(token);
                            _setAside.Add(token);
                        }
        }
        catch (Exception e) when (e is TargetException or InvalidCastException or MemberAccessException or NotSupportedException)
        {
            Warning = $"cannot set the kernel host's SIGINT handler aside ({e.Message}): Jupyter's interrupt would stop the kernel";
        }
    }

    /// <summary>Opens a scope for the running cell; dispose it when the cell's work ends. <paramref name="outer"/> is linked in.</summary>
    public static CellInterrupt Begin(CancellationToken outer = default) => new(outer);

    /// <summary>
    /// Runs a cell's long work that takes a token, such as an ablation's training rows, with the stop button wired to
    /// it: stopping ends the work at its next check (a trainer checkpoints first) and fails the cell, while the kernel
    /// and its variables live on. <see cref="Warning"/>, if any, goes to <paramref name="log"/> (default: the console).
    /// </summary>
    public static T Run<T>(Func<CancellationToken, T> work, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var scope = Begin();
        if (scope.Warning is not null) (log ?? Console.Out).WriteLine("note: " + scope.Warning);
        return work(scope.Token);
    }

    /// <summary>Cancelled when the user stops the cell (or <c>outer</c> is cancelled).</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>True once SIGINT arrived in this scope.</summary>
    public bool Interrupted { get; private set; }

    /// <summary>Why SIGINT cannot be caught here, or null when it can.</summary>
    public string? Warning { get; }

    /// <summary>Puts the host's SIGINT handling back and drops ours.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_sigintTokens is not null && _setAside.Count > 0)
            lock (RegistrationTable()!)
                for (int i = _setAside.Count - 1; i >= 0; i--) _sigintTokens.Insert(0, _setAside[i]);
        _sigint?.Dispose();
        _source.Dispose();
    }

    /// <summary>Whether a /proc/PID/status text shows SIGINT ignored: its SigIgn line is a hex mask with bit (signal - 1).</summary>
    internal static bool SigintIgnored(string procStatus)
    {
        var line = procStatus.Split('\n').FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null
            && ulong.TryParse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var mask)
            && (mask & (1UL << (2 - 1))) != 0; // SIGINT = 2
    }

    /// <summary>The token of .NET Interactive's current <c>KernelInvocationContext</c>, or none outside that kernel.</summary>
    private static CancellationToken KernelToken(Type? kernelContext)
    {
        var context = kernelContext?.GetProperty("Current", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
        return context?.GetType().GetProperty("CancellationToken")?.GetValue(context) is CancellationToken token ? token : default;
    }

    /// <summary>.NET Interactive's <c>KernelInvocationContext</c> type when this code runs in that kernel, else null.</summary>
    private static Type? KernelContextType() => AppDomain.CurrentDomain.GetAssemblies()
        .Select(a => a.GetType("Microsoft.DotNet.Interactive.KernelInvocationContext", throwOnError: false))
        .FirstOrDefault(t => t is not null);

    // PosixSignalRegistration keeps Dictionary<int signo, List<Token>> s_registrations, locked on the dictionary;
    // a Token's Handler is the registered delegate. Our registration stays in the list, so the runtime keeps
    // listening for SIGINT while the host's token is set aside.
    private static IDictionary? RegistrationTable() => typeof(PosixSignalRegistration)
        .GetField("s_registrations", BindingFlags.NonPublic | BindingFlags.Static)?.GetValue(null) as IDictionary;

    private static IList? SigintTokens()
    {
        lock (Gate)
        {
            const int sigint = 2; // the same on Linux and macOS
            var table = RegistrationTable();
            if (table is null) return null;
            lock (table) return table.Contains(sigint) ? table[sigint] as IList : null;
        }
    }

    private static Type? HandlerOwner(object token) =>
        (token.GetType().GetProperty("Handler", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)?.GetValue(token) as Delegate)
            ?.Target?.GetType();
}
