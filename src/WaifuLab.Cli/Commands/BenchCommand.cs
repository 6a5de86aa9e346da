using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using WaifuLab.Backend;
using WaifuLab.Models;
using WaifuLab.Training;
using static TorchSharp.torch;

namespace WaifuLab.Cli.Commands;

/// <summary>
/// <c>waifulab bench</c>: ms per iteration of the trainer's update against a bare hand-written TorchSharp loop of the same
/// model, interleaved iteration by iteration (A,B,B,A,...) in one process so machine noise hits both alike; optionally the
/// PyTorch peer (shared/reference/pytorch_dcgan_bench.py) right after; RSS before and after.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var size = new Option<int>("--size") { Description = "Image size (32, 64, 128, 256).", DefaultValueFactory = _ => 64 };
        var nf = new Option<int>("--nf") { Description = "Width of G and D (ngf = ndf).", DefaultValueFactory = _ => 64 };
        var extra = new Option<int>("--extra-blocks") { Description = "Extra 3x3 blocks per stage (the deeper model).", DefaultValueFactory = _ => 0 };
        var arch = new Option<string>("--arch") { Description = "Architecture timed: dcgan, style (StyleGAN2's G and D; --nf 16 is style-quick's width) or resnet (residual G and D; --size 128 --nf 16 is resnet128-quick's).", DefaultValueFactory = _ => ModelFactory.Dcgan };
        arch.AcceptOnlyFromAmong([.. ModelFactory.Architectures]);
        var batch = new Option<int>("--batch") { Description = "Batch size.", DefaultValueFactory = _ => 64 };
        var iterations = new Option<int>("--iterations") { Description = "Timed iterations of each contender.", DefaultValueFactory = _ => 20 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed iterations first.", DefaultValueFactory = _ => 3 };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for libtorch (default: one per core)." };
        var gcEvery = new Option<int>("--gc-every") { Description = "The trainer's GcEvery (0 = never collect).", DefaultValueFactory = _ => new TrainOptions().GcEvery };
        var trainerOnly = new Option<bool>("--trainer-only") { Description = "Time only the trainer (for RSS measurements without the other loop's garbage)." };
        var pytorch = new Option<string?>("--pytorch-script") { Description = "Path of pytorch_dcgan_bench.py (default: look for shared/reference/ above the current folder)." };

        var command = new Command("bench", "Measure the trainer's speed against a bare TorchSharp loop (and PyTorch when installed), and its memory.")
        {
            size, nf, extra, arch, batch, iterations, warmup, threads, gcEvery, trainerOnly, pytorch,
        };
        command.SetAction(parse =>
        {
            TorchBackend.EnsureLoaded();
            if (parse.GetValue(threads) is { } t) TorchBackend.SetThreads(t);
            int n = parse.GetValue(iterations), w = parse.GetValue(warmup), b = parse.GetValue(batch);
            if (n <= 0 || w < 0 || b <= 0) throw new ArgumentException("--iterations and --batch must be positive, --warmup 0 or more");
            var model = new GanModelOptions(parse.GetValue(size), 100, parse.GetValue(nf), parse.GetValue(nf), parse.GetValue(extra)) { Architecture = parse.GetValue(arch)! }.Validate();
            var options = new TrainOptions { Model = model, BatchSize = b, FlipAugment = false, GcEvery = parse.GetValue(gcEvery), SampleGridCount = 1 };
            bool both = !parse.GetValue(trainerOnly);
            var folder = Path.Combine(Path.GetTempPath(), $"waifulab-bench-{Guid.NewGuid():N}");
            try
            {
                Run(options, n, w, both, folder, parse.GetValue(pytorch));
            }
            finally
            {
                try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
            }
            return CliErrors.Ok;
        });
        return command;
    }

    static void Run(TrainOptions options, int iterations, int warmup, bool both, string folder, string? pytorchScript)
    {
        var m = options.Model;
        using var trainer = new GanTrainer(options, folder);
        using var bare = both ? new BareDcganLoop(options, trainer.Device) : null;
        using var real = rand([options.BatchSize, 3, m.ImageSize, m.ImageSize], device: trainer.Device).mul_(2).sub_(1);
        Console.WriteLine($"bench: {m.Architecture}, {m.ImageSize} px, nf {m.Ngf}, extra blocks {m.ExtraBlocks}, batch {options.BatchSize}, device {trainer.Device}, " +
                          $"threads {get_num_threads()}, GcEvery {options.GcEvery}, {warmup} warm-up + {iterations} timed iterations{(both ? " each, interleaved" : "")}");

        for (int i = 0; i < warmup; i++) { trainer.TrainOn(real); bare?.Step(real); }
        long rss0 = Environment.WorkingSet;
        var a = new List<double>(iterations);
        var bTimes = new List<double>(iterations);
        var clock = new Stopwatch();
        for (int i = 0; i < iterations; i++)
        {
            // Alternate which goes first so neither always runs on a cache warmed by the other.
            if (i % 2 == 1 && bare is not null) bTimes.Add(Time(clock, () => bare.Step(real)));
            a.Add(Time(clock, () => trainer.TrainOn(real)));
            if (i % 2 == 0 && bare is not null) bTimes.Add(Time(clock, () => bare.Step(real)));
        }
        long rss1 = Environment.WorkingSet;
        double ta = IterationTimer.Median(a);
        Console.WriteLine(F($"trainer   median {ta,8:F1} ms/it  {options.BatchSize * 1000 / ta,8:F1} img/s"));
        if (bare is not null)
        {
            double tb = IterationTimer.Median(bTimes);
            Console.WriteLine(F($"bare loop median {tb,8:F1} ms/it  {options.BatchSize * 1000 / tb,8:F1} img/s"));
            Console.WriteLine(F($"trainer speed / bare loop speed = {tb / ta:F3} (target >= 0.95)"));
        }
        Console.WriteLine(F($"RSS {rss0 / 1048576.0:F0} MB after warm-up, {rss1 / 1048576.0:F0} MB after timing ({(rss1 - rss0) * 100.0 / rss0:+0.0;-0.0}%), peak {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MB"));
        if (both) PyTorchPeer(options, iterations, warmup, ta, pytorchScript);
    }

    static void PyTorchPeer(TrainOptions options, int iterations, int warmup, double trainerMs, string? script)
    {
        if (options.Model.Architecture != ModelFactory.Dcgan)
        {
            Console.WriteLine($"pytorch peer: skipped (the reference script is the DCGAN; this bench times {options.Model.Architecture})");
            return;
        }
        script ??= FindReferenceScript();
        if (script is null || !File.Exists(script))
        {
            Console.WriteLine("pytorch peer: skipped (pytorch_dcgan_bench.py not found; pass --pytorch-script)");
            return;
        }
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var (probeCode, probeOut) = Exec(python, ["-c", "import torch"], null);
        if (probeCode != 0)
        {
            Console.WriteLine($"pytorch peer: skipped ({python} cannot import torch: {probeOut.Trim().Split('\n')[^1]}; " +
                              "see shared/reference/README.md: apt-get install python3-torch)");
            return;
        }
        var env = new Dictionary<string, string>();
        var openblas = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache/openblas/usr/lib/x86_64-linux-gnu/openblas-openmp");
        if (Directory.Exists(openblas)) { env["LD_LIBRARY_PATH"] = openblas; env["OPENBLAS_CORETYPE"] = OpenBlasCoreType(); }
        var m = options.Model;
        if (m.ExtraBlocks > 0 || m.ImageSize > 128 || m.Architecture != ModelFactory.Dcgan)
        {
            Console.WriteLine("pytorch peer: skipped (the reference script has the classic DCGAN layout at 32-128 px only)");
            return;
        }
        string[] args = [script, "train", $"{m.ImageSize}", $"{m.Ngf}", $"{options.BatchSize}", $"{warmup}", $"{iterations}"];
        var (code, output) = Exec(python, args, env);
        var match = Regex.Match(output, @"RESULT .*median_ms=([0-9.]+)");
        if (code != 0 || !match.Success)
        {
            Console.WriteLine($"pytorch peer: failed (exit {code}): {output.Trim().Split('\n')[^1]}");
            return;
        }
        double ms = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        Console.WriteLine(F($"pytorch   median {ms,8:F1} ms/it  ({(env.Count > 0 ? "OpenBLAS" : "Debian's reference BLAS")}, run after the interleaved pair)"));
        Console.WriteLine(F($"trainer speed / pytorch speed = {ms / trainerMs:F3} (target >= 1.2 against OpenBLAS)"));
    }

    /// <summary>
    /// OpenBLAS 0.3.21 misdetects these CPUs, so the core type is forced; SkylakeX kernels need AVX-512 and die with
    /// SIGILL without it, so pick by the CPU's flags.
    /// </summary>
    static string OpenBlasCoreType()
    {
        var flags = File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : "";
        return flags.Contains("avx512f") ? "SkylakeX" : flags.Contains("avx2") ? "Haswell" : "Prescott";
    }

    static string? FindReferenceScript()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "reference", "pytorch_dcgan_bench.py"),
                                              Path.Combine(dir.FullName, "reference", "pytorch_dcgan_bench.py") })
                if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    static (int Code, string Output) Exec(string file, IEnumerable<string> args, IDictionary<string, string>? env)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        try
        {
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, stdout + stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }

    static double Time(Stopwatch clock, Action action)
    {
        clock.Restart();
        action();
        return clock.Elapsed.TotalMilliseconds;
    }

    static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
