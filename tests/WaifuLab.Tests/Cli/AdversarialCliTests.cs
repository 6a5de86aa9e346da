using System.Diagnostics;
using System.Text;
using WaifuLab.Imaging;
using WaifuLab.Training;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Cli;

/// <summary>
/// The command line as an adversary uses it, end to end in real processes on tiny data: two trainers on one folder,
/// SIGTERM, kill -9 at random moments of a save loop, a file-size limit (ulimit -f), bad numbers. Each case asserts what
/// a user relies on: one process per run folder, a checkpoint that always loads with its whole history, a one-line error
/// with exit 2 for usage mistakes, and no stack traces.
/// </summary>
public sealed class AdversarialCliTests : TempFolderTest
{
    /// <summary>16 random 32 px PNGs: 4 iterations per epoch at batch 4 with the smoke model.</summary>
    string Data()
    {
        var dir = Directory.CreateDirectory(Path.Combine(Root, "data")).FullName;
        if (Directory.GetFiles(dir).Length > 0) return dir;
        using var g = new Generator(5, CPU);
        for (int i = 0; i < 16; i++)
        {
            using var img = rand([3, 32, 32], generator: g).mul(2).sub(1);
            TensorImage.ToPng(img).Save(Path.Combine(dir, $"img{i:00}.png"));
        }
        return dir;
    }

    string[] Train(string run, params string[] more) =>
        ["train", "--preset", "smoke", "--data", Data(), "--out", run, "--batch-size", "4", "--device", "cpu", "--threads", "1", .. more];

    string[] Endless(string run, params string[] more) => Train(run, ["--epochs", "100000", "--max-iterations", "100000", .. more]);

    [Fact]
    public void TwoProcessesOnOneFolderOneIsRefusedAndSigtermSavesLikeCtrlC()
    {
        var run = Path.Combine(Root, "run");
        var folder = new RunFolder(run);
        using var first = CliProcess.Start(Root, Endless(run, "--seed", "1", "--checkpoint-every", "3", "--log-every", "1"));
        first.WaitFor(() => File.Exists(folder.LastCheckpoint), "the first trainer's first checkpoint");

        var second = CliProcess.Run(Root, Train(run, "--seed", "7"));
        Assert.Equal(1, second.ExitCode);
        Assert.Contains($"process {first.Id}", second.Stderr);
        var resume = CliProcess.Run(Root, ["train", "--resume", run, "--data", Data()]);
        Assert.Equal(1, resume.ExitCode);
        Assert.Contains($"process {first.Id}", resume.Stderr);

        first.Signal("TERM");
        var done = first.Finish();
        Assert.True(done.ExitCode == 130, $"exit {done.ExitCode}: {done.Stderr}");
        Assert.Contains("SIGTERM", done.Stderr);
        var header = GanTrainer.ReadHeader(folder.LastCheckpoint);
        Assert.Equal(1, header.Options.Seed);
        Assert.Equal(1, TrainingJson.Deserialize<TrainOptions>(File.ReadAllText(folder.Options), "options").Seed);
        // Saved at the signal, not at the last periodic checkpoint: the history reaches the last iteration printed.
        long lastPrinted = done.Stdout.Split('\n').Count(l => l.StartsWith('['));
        Assert.Equal(lastPrinted, header.Iteration);
        Assert.Equal(header.Iteration, TrainHistory.Load(folder.History).Count);
    }

    [Fact]
    public void ParallelRunsWithDefaultNamesGetAFolderEach()
    {
        // The third asks for a batch larger than the data: it trains at 16 and must say so, not print 1000.
        var runs = Enumerable.Range(1, 3)
            .Select(s => CliProcess.Start(Root, ["train", "--preset", "smoke", "--data", Data(), "--max-iterations", "2", "--batch-size", s == 3 ? "1000" : "4", "--threads", "1", "--seed", $"{s}"]))
            .ToList();
        var results = runs.Select(p => p.Finish()).ToList();
        foreach (var r in results) Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("batch 16 (asked 1000", results[2].Stdout);
        Assert.DoesNotContain("batch 1000", results[2].Stdout);
        var folders = Directory.GetDirectories(Path.Combine(Root, "runs"));
        Assert.Equal(3, folders.Length);
        Assert.Equal([1L, 2L, 3L], folders.Select(f => GanTrainer.ReadHeader(new RunFolder(f).LastCheckpoint).Options.Seed).Order());
        foreach (var p in runs) p.Dispose();
    }

    [Fact]
    public void KillNineAnywhereInASaveLoopLeavesACheckpointThatResumesWithItsWholeHistory()
    {
        var run = Path.Combine(Root, "killed");
        var folder = new RunFolder(run);
        var random = new Random(Environment.TickCount);
        for (int round = 0; round < 3; round++)
        {
            // A checkpoint every iteration: the process is nearly always inside a save when it dies.
            string[] args = round == 0 ? Endless(run, "--checkpoint-every", "1", "--log-every", "1")
                : ["train", "--resume", run, "--data", Data(), "--max-iterations", "100000", "--checkpoint-every", "1", "--log-every", "1"];
            using var p = CliProcess.Start(Root, args);
            p.WaitFor(() => File.Exists(folder.LastCheckpoint) && p.Stdout.Split('\n').Any(l => l.StartsWith('[')), "training to start");
            Thread.Sleep(random.Next(0, 400));
            p.Kill9();

            var header = GanTrainer.ReadHeader(folder.LastCheckpoint);
            using var loaded = GanTrainer.Load(folder.LastCheckpoint); // verifies the checksum and the history it carries
            Assert.Equal(header.Iteration, loaded.History.Count);
        }

        long reached = GanTrainer.ReadHeader(folder.LastCheckpoint).Iteration;
        var final = CliProcess.Run(Root, ["train", "--resume", run, "--data", Data(), "--max-iterations", $"{reached + 3}"]);
        Assert.True(final.ExitCode == 0, final.Stderr);
        Assert.Equal(Enumerable.Range(1, (int)reached + 3).Select(i => (long)i), TrainHistory.Load(folder.History).Select(s => s.Iteration));
        // The kills' half-written temporary files were cleaned up by the next start.
        Assert.Empty(Directory.GetFiles(run, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void AFileSizeLimitGivesAnErrorNamingTheCheckpointAndLeavesNoTempFiles()
    {
        var run = Path.Combine(Root, "small-disk");
        // 256 KiB: options, grids and history fit; a checkpoint (~2 MB) does not. SIGXFSZ would kill the process; the CLI
        // turns the write's EFBIG into its usual one-line error.
        var limited = CliProcess.Run(Root, ["--ulimit-f", "256", .. Train(run, "--max-iterations", "4")]);
        Assert.True(limited.ExitCode == 1, $"exit {limited.ExitCode}: {limited.Stderr}");
        var lines = limited.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var error = Assert.Single(lines, l => l.StartsWith("error:"));
        Assert.Contains(new RunFolder(run).LastCheckpoint, error);
        Assert.DoesNotContain(".tmp", error);
        Assert.DoesNotContain("   at ", limited.Stderr);
        Assert.Empty(Directory.GetFiles(run, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void BadNumbersAndUnknownOptionsAreOneLineUsageErrors()
    {
        string run = Path.Combine(Root, "never");
        string[][] cases =
        [
            Train(run, "--threads", "100000"),
            Train(run, "--lr-g", "1e40"),
            Train(run, "--beta1", "1"),
            Train(run, "--epochs", "abc"),
            Train(run, "--bogus"),
            Train(run, "--batch-size", "-1"),
            Train(run, "--checkpoint-every", "-5"),
            ["data", "synth", "--count", "0", "--out", run],
        ];
        var results = cases.Select(c => CliProcess.Start(Root, c)).ToList().Select(p => { using (p) return p.Finish(); }).ToList();
        for (int i = 0; i < cases.Length; i++)
        {
            var r = results[i];
            var what = string.Join(' ', cases[i].Skip(Math.Max(0, cases[i].Length - 2)));
            Assert.True(r.ExitCode == 2, $"{what}: exit {r.ExitCode}, {r.Stderr}");
            var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("error: ", line);
            Assert.Contains("--help", line);
            Assert.DoesNotContain("(Parameter", line);
            Assert.DoesNotContain("System.", line);
        }
        Assert.False(Directory.Exists(run), "a usage error left a run folder behind");
    }

    [Fact]
    public void ACheckpointCutShortIsNamedInTheError()
    {
        var cut = Path.Combine(Root, "cut.ckpt");
        File.WriteAllBytes(cut, [.. Encoding.UTF8.GetBytes("\u000dWAIFULAB-CKPT"), 0xFF, 0x01, (byte)'{']);
        var r = CliProcess.Run(Root, ["sample", "--checkpoint", cut]);
        Assert.Equal(1, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(cut, line);
    }
}

/// <summary>The built waifulab command (WaifuLab.Cli.dll beside the tests) as a child process, its output captured.</summary>
sealed class CliProcess : IDisposable
{
    readonly Process _process;
    readonly StringBuilder _out = new(), _err = new();

    CliProcess(Process process) => _process = process;

    public int Id => _process.Id;
    public string Stdout { get { lock (_out) return _out.ToString(); } }

    public record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>Starts the CLI in <paramref name="cwd"/>, with <paramref name="environment"/> added; a leading "--ulimit-f N" runs it under bash's ulimit -f N.</summary>
    public static CliProcess Start(string cwd, string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "WaifuLab.Cli.dll");
        var info = new ProcessStartInfo { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (args.Length > 1 && args[0] == "--ulimit-f")
        {
            info.FileName = "bash";
            foreach (var a in new[] { "-c", "ulimit -f \"$1\" && shift && exec dotnet \"$@\"", "bash", args[1], cli }.Concat(args.Skip(2))) info.ArgumentList.Add(a);
            // CoreCLR's W^X double mapping sizes a shared-memory file, which the limit also caps: without this .NET itself
            // cannot start under a small ulimit -f (measured: "Failed to create CoreCLR, HRESULT: 0x8007000E").
            info.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        }
        else
        {
            info.FileName = "dotnet";
            info.ArgumentList.Add(cli);
            foreach (var a in args) info.ArgumentList.Add(a);
        }
        info.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        var p = new CliProcess(Process.Start(info)!);
        p._process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (p._out) p._out.Append(e.Data).Append('\n'); };
        p._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (p._err) p._err.Append(e.Data).Append('\n'); };
        p._process.BeginOutputReadLine();
        p._process.BeginErrorReadLine();
        return p;
    }

    public static Result Run(string cwd, string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var p = Start(cwd, args, environment);
        return p.Finish();
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails (killing the process) if it exits first or after 60 s.</summary>
    public void WaitFor(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (_process.HasExited) throw new Xunit.Sdk.XunitException($"the process exited ({_process.ExitCode}) before {what}: {Finish().Stderr}");
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) { Kill9(); throw new Xunit.Sdk.XunitException($"timed out waiting for {what}"); }
            Thread.Sleep(20);
        }
    }

    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, _process.Id.ToString()])!;
        kill.WaitForExit();
    }

    public void Kill9()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public Result Finish()
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(120))) Kill9();
        _process.WaitForExit(); // drains the output readers
        lock (_out) lock (_err) return new Result(_process.ExitCode, _out.ToString(), _err.ToString());
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill9();
        _process.Dispose();
    }
}
