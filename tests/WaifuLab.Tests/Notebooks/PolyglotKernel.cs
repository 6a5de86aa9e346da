using System.Diagnostics;
using System.Text.Json.Nodes;

namespace WaifuLab.Tests.Notebooks;

/// <summary>
/// The real .NET Interactive kernel as VS Code's Polyglot Notebooks extension drives it: <c>dotnet-interactive stdio</c>,
/// one JSON command envelope per line in (SubmitCode, Cancel), one event envelope per line out, each event carrying the
/// token of the command it belongs to. This is the path of Polyglot's stop button (a Cancel command, no signal), which
/// Jupyter's client cannot exercise. Same tool folder and prerequisites as <see cref="RealKernel"/>.
/// </summary>
public sealed class PolyglotKernel : IDisposable
{
    readonly Process _kernel;
    readonly List<JsonObject> _events = [];
    readonly StringWriter _stderr = new();
    int _next;

    public PolyglotKernel(string folder)
    {
        RealKernel.Require();
        _kernel = Process.Start(RealKernel.StartInfo(Path.Combine(RealKernel.ToolFolder, "dotnet-interactive"),
            ["stdio", "--default-kernel", "csharp", "--working-dir", folder], folder, redirectInput: true))!;
        _kernel.ErrorDataReceived += (_, e) => { lock (_stderr) _stderr.WriteLine(e.Data); };
        _kernel.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { Length: > 0 } line || !line.StartsWith('{')) return;
            var envelope = JsonNode.Parse(line)!.AsObject();
            lock (_events) { _events.Add(envelope); Monitor.PulseAll(_events); }
        };
        _kernel.BeginErrorReadLine();
        _kernel.BeginOutputReadLine();
    }

    /// <summary>The kernel's stderr so far.</summary>
    public string Log { get { lock (_stderr) return _stderr.ToString(); } }

    public bool Alive => !_kernel.HasExited;

    /// <summary>Submits a cell as Polyglot does and returns its command token at once.</summary>
    public string Submit(string code) => Send("SubmitCode", new JsonObject { ["code"] = code, ["targetKernelName"] = "csharp" });

    /// <summary>What Polyglot's stop button sends: a Cancel command to the root kernel.</summary>
    public void Cancel() => Send("Cancel", new JsonObject());

    /// <summary>Waits until the command ends: "succeeded", "failed" (with the kernel's message) or "timeout".</summary>
    public (string Status, string Message) Wait(string token, TimeSpan timeout)
    {
        var end = WaitFor(token, e => e["eventType"]!.GetValue<string>() is "CommandSucceeded" or "CommandFailed", timeout);
        return end is null ? ("timeout", "")
            : end["eventType"]!.GetValue<string>() == "CommandSucceeded" ? ("succeeded", "")
            : ("failed", end["event"]?["message"]?.GetValue<string>() ?? "");
    }

    /// <summary>Waits for an event of command <paramref name="token"/> whose JSON contains <paramref name="text"/>.</summary>
    public bool WaitForText(string token, string text, TimeSpan timeout) =>
        WaitFor(token, e => e["event"]!.ToJsonString().Contains(text, StringComparison.Ordinal), timeout) is not null;

    /// <summary>Everything command <paramref name="token"/> wrote to stdout.</summary>
    public string Stdout(string token)
    {
        lock (_events)
            return string.Concat(_events.Where(e => Of(e, token) && e["eventType"]!.GetValue<string>() == "StandardOutputValueProduced")
                .SelectMany(e => e["event"]!["formattedValues"]!.AsArray())
                .Where(v => v!["mimeType"]!.GetValue<string>() == "text/plain")
                .Select(v => v!["value"]!.GetValue<string>()));
    }

    JsonObject? WaitFor(string token, Func<JsonObject, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_events)
            while (true)
            {
                if (_events.FirstOrDefault(e => Of(e, token) && match(e)) is { } found) return found;
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || _kernel.HasExited) return null;
                Monitor.Wait(_events, left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
            }
    }

    // An event belongs to a command by its token; the kernel's child commands get "token.N".
    static bool Of(JsonObject e, string token) =>
        e["command"]?["token"]?.GetValue<string>() is { } t && (t == token || t.StartsWith(token + ".", StringComparison.Ordinal));

    string Send(string commandType, JsonObject command)
    {
        var token = $"waifulab-{Interlocked.Increment(ref _next)}";
        var envelope = new JsonObject { ["token"] = token, ["commandType"] = commandType, ["command"] = command };
        _kernel.StandardInput.WriteLine(envelope.ToJsonString());
        _kernel.StandardInput.Flush();
        return token;
    }

    public void Dispose()
    {
        try
        {
            if (!_kernel.HasExited)
            {
                _kernel.StandardInput.Close(); // stdio mode may end when its input does; else it is killed
                if (!_kernel.WaitForExit(5_000)) _kernel.Kill(entireProcessTree: true);
            }
        }
        finally
        {
            _kernel.Dispose();
        }
    }
}
