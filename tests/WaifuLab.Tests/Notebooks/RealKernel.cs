using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using WaifuLab.Cli.Notebooks;
using WaifuLab.Notebooks;

namespace WaifuLab.Tests.Notebooks;

/// <summary>
/// The real .NET Interactive kernel (tool Microsoft.dotnet-interactive, kernelspec <c>.net-csharp</c>) driven through
/// Jupyter's own client (Debian's python3-nbclient / python3-jupyter-client), as VS Code's Jupyter extension and
/// Jupyter drive it. <c>.ci/run</c> installs all of it; a missing piece fails the test with the command that installs
/// it (never a skip). Tool folder: <c>$WAIFULAB_DOTNET_INTERACTIVE</c>, else <c>~/.cache/waifulab/dotnet-interactive</c>.
/// <list type="bullet">
/// <item><see cref="RunNotebook"/>: a whole notebook, parameters injected as <c>waifulab notebook run</c> does.</item>
/// <item><see cref="StartSession"/>: a kernel kept alive to execute cells one by one, interrupt it, and look at it.</item>
/// </list>
/// Both start the kernel in the notebook folder given (notebooks reference <c>../src/WaifuLab/bin/...</c>).
/// </summary>
public static class RealKernel
{
    public const string Python = "/usr/bin/python3"; // Debian's: its nbclient and jupyter_client are the apt packages
    public const string KernelName = ".net-csharp";

    public static string ToolFolder => Environment.GetEnvironmentVariable("WAIFULAB_DOTNET_INTERACTIVE") is { Length: > 0 } dir
        ? dir
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "waifulab", "dotnet-interactive");

    static string Driver => Path.Combine(Repo.Root, "tests", "WaifuLab.Tests", "Notebooks", "real_kernel.py");

    static readonly Lazy<string?> Missing = new(FindMissing);

    /// <summary>Fails (never skips) when the kernel tool, its registration or the Jupyter client is missing.</summary>
    public static void Require()
    {
        if (Missing.Value is { } what) Assert.Fail(what);
    }

    static string? FindMissing()
    {
        const string fix = "`bash .ci/run` installs them; by hand see environment.md (Notebooks: the real kernel).";
        var tool = Path.Combine(ToolFolder, "dotnet-interactive");
        if (!File.Exists(tool))
            return $"the .NET Interactive kernel tool is not installed at {tool}: " +
                   $"dotnet tool install --tool-path {ToolFolder} Microsoft.dotnet-interactive --version 1.0.712001. {fix}";
        if (!File.Exists(Python))
            return $"{Python} is missing: apt-get install -y python3-nbclient python3-jupyter-client python3-ipykernel. {fix}";
        var (code, log) = Exec(Python, ["-c",
            $"import nbclient, jupyter_client.kernelspec as k; print(k.KernelSpecManager().get_kernel_spec('{KernelName}').argv)"],
            Repo.Root, TimeSpan.FromSeconds(60));
        if (code != 0)
            return log.Contains("No module named", StringComparison.Ordinal)
                ? $"Jupyter's client is missing ({log.Trim()}): apt-get install -y python3-nbclient python3-jupyter-client python3-ipykernel. {fix}"
                : $"the Jupyter kernel '{KernelName}' is not registered ({log.Trim()}): " +
                  $"mkdir -p ~/.local/share/jupyter/kernels && PATH={ToolFolder}:$PATH dotnet-interactive jupyter install. {fix}";
        return null;
    }

    /// <summary>
    /// Executes <paramref name="notebook"/> in a fresh kernel whose working folder is the notebook's, with
    /// <paramref name="parameters"/> injected after its parameters cell, and writes the executed copy to
    /// <paramref name="output"/>. Stops at the first failing cell (its error is stored), like the runner.
    /// </summary>
    public static (int ExitCode, string Log, NotebookDocument Executed) RunNotebook(string notebook, string output,
        IReadOnlyList<KeyValuePair<string, string>> parameters, TimeSpan timeout)
    {
        Require();
        var doc = NotebookDocument.Load(notebook);
        NotebookRunner.Parameterize(doc, parameters);
        var input = output + ".in.ipynb";
        doc.Save(input);
        try
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(notebook))!;
            var (code, log) = Exec(Python, ["-u", Driver, "run", input, output, folder, ((int)timeout.TotalSeconds).ToString()],
                folder, timeout + TimeSpan.FromMinutes(3));
            return (code, log, File.Exists(output) ? NotebookDocument.Load(output) : new NotebookDocument());
        }
        finally
        {
            File.Delete(input);
        }
    }

    /// <summary>Starts a kernel in <paramref name="folder"/> for a conversation (see <see cref="Session"/>).</summary>
    public static Session StartSession(string folder)
    {
        Require();
        return new Session(folder);
    }

    /// <summary>One live kernel. Cells run in order in one C# state; dispose to shut the kernel down.</summary>
    public sealed class Session : IDisposable
    {
        readonly Process _driver;
        readonly StringWriter _stderr = new();

        internal Session(string folder)
        {
            _driver = Process.Start(StartInfo(Python, ["-u", Driver, "session", folder], folder, redirectInput: true))!;
            _driver.ErrorDataReceived += (_, e) => { lock (_stderr) _stderr.WriteLine(e.Data); };
            _driver.BeginErrorReadLine();
            var ready = _driver.StandardOutput.ReadLine();
            if (ready is null || !ready.Contains("\"ready\"", StringComparison.Ordinal))
            {
                _driver.Kill(entireProcessTree: true); // the kernel with it: a failed start leaves nothing running
                _driver.WaitForExit();
                throw new InvalidOperationException($"the kernel did not start: {ready}\n{Log}");
            }
        }

        /// <summary>The driver's and the kernel's stderr so far (kernel start-up lines, Python tracebacks).</summary>
        public string Log { get { lock (_stderr) return _stderr.ToString(); } }

        /// <summary>Runs a cell and waits for its end: status "ok", "error", "aborted" or "timeout", and its outputs (nbformat dicts).</summary>
        public (string Status, JsonArray Outputs) Execute(string code, TimeSpan timeout)
        {
            var reply = Send(new JsonObject { ["op"] = "execute", ["code"] = code, ["timeout"] = timeout.TotalSeconds });
            return (reply["status"]!.GetValue<string>(), reply["outputs"]!.AsArray());
        }

        /// <summary>Sends a cell and returns at once with its message id, for <see cref="WaitForOutput"/>, <see cref="Wait"/>.</summary>
        public string Start(string code) => Send(new JsonObject { ["op"] = "start", ["code"] = code })["msg_id"]!.GetValue<string>();

        /// <summary>True once an output of cell <paramref name="msgId"/> contains <paramref name="text"/> (false after the timeout).</summary>
        public bool WaitForOutput(string msgId, string text, TimeSpan timeout) =>
            Send(new JsonObject { ["op"] = "wait_output", ["msg_id"] = msgId, ["contains"] = text, ["timeout"] = timeout.TotalSeconds })["found"]!.GetValue<bool>();

        public (string Status, JsonArray Outputs) Wait(string msgId, TimeSpan timeout)
        {
            var reply = Send(new JsonObject { ["op"] = "wait", ["msg_id"] = msgId, ["timeout"] = timeout.TotalSeconds });
            return (reply["status"]!.GetValue<string>(), reply["outputs"]!.AsArray());
        }

        /// <summary>What Jupyter's "interrupt kernel" sends, as the kernelspec says (a signal unless it names messages).</summary>
        public void Interrupt() => Send(new JsonObject { ["op"] = "interrupt" });

        /// <summary>An interrupt_request on the control channel (Jupyter's message mode).</summary>
        public void InterruptMessage() => Send(new JsonObject { ["op"] = "interrupt_message" });

        public bool Alive => Send(new JsonObject { ["op"] = "alive" })["alive"]!.GetValue<bool>();

        JsonObject Send(JsonObject request)
        {
            _driver.StandardInput.WriteLine(request.ToJsonString());
            _driver.StandardInput.Flush();
            var line = _driver.StandardOutput.ReadLine()
                ?? throw new InvalidOperationException($"the kernel driver ended unexpectedly:\n{Log}");
            return JsonNode.Parse(line)!.AsObject();
        }

        public void Dispose()
        {
            try
            {
                if (!_driver.HasExited)
                {
                    _driver.StandardInput.WriteLine(new JsonObject { ["op"] = "shutdown" }.ToJsonString());
                    _driver.StandardInput.Close();
                    if (!_driver.WaitForExit(30_000)) _driver.Kill(entireProcessTree: true);
                }
            }
            finally
            {
                _driver.Dispose();
            }
        }
    }

    internal static ProcessStartInfo StartInfo(string file, IEnumerable<string> args, string folder, bool redirectInput = false)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = redirectInput,
            UseShellExecute = false, WorkingDirectory = folder,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        // The kernelspec's argv is "dotnet interactive ...": dotnet finds the tool on PATH.
        start.Environment["PATH"] = ToolFolder + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        start.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment.Remove("PYTHONPATH"); // Debian's python3 with Debian's packages only
        return start;
    }

    /// <summary>Runs a process to its end (killed after <paramref name="timeout"/>): exit code and stdout + stderr.</summary>
    static (int Code, string Log) Exec(string file, IEnumerable<string> args, string folder, TimeSpan timeout)
    {
        using var p = Process.Start(StartInfo(file, args, folder))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return (124, $"timed out after {timeout.TotalSeconds:F0} s\n{stdout.Result}{stderr.Result}");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
