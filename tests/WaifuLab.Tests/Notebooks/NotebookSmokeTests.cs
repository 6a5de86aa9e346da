using System.Diagnostics;
using System.Text.RegularExpressions;
using WaifuLab.Notebooks;

namespace WaifuLab.Tests.Notebooks;

/// <summary>
/// Every notebook of notebooks/ runs with <c>-p preset smoke</c> in both engines a user has: the headless runner
/// (<c>waifulab notebook run</c>, its own process as CI runs it) and the real .NET Interactive kernel driven by
/// Jupyter's client (<see cref="RealKernel"/>), as VS Code and Jupyter run it. A failing cell, a notebook without
/// pictures, or engines that disagree on which cells show images and charts fail the test. The notebooks run from a
/// temporary copy of the repository's layout (<see cref="NotebookSmoke.Runs.Notebook"/>), so their <c>../runs</c>
/// folders are the copy's: a smoke run never replaces a user's run of the same name in the repository's runs/.
/// </summary>
[Collection(NotebookSmoke.Name)]
public sealed class NotebookSmokeTests(NotebookSmoke.Runs runs)
{
    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(Repo.Root, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Runs_with_the_smoke_preset(string notebook)
    {
        var (code, log, executed) = runs.Runner(notebook);
        Assert.True(code == 0, $"{notebook} failed in the runner (exit {code}):\n{log}");
        AssertCleanWithPictures(executed, notebook, "the runner");
        Assert.Equal(runs.RepositoryRunsBefore, NotebookSmoke.Runs.Snapshot(Repo.PathOf("runs")));
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Runs_in_the_real_kernel_like_the_runner(string notebook)
    {
        var output = Path.Combine(runs.Folder, "kernel-" + notebook);
        var (code, log, kernel) = RealKernel.RunNotebook(runs.Notebook(notebook), output,
            [new("preset", "smoke")], TimeSpan.FromMinutes(10));
        Assert.True(code == 0, $"{notebook} failed in the real kernel (exit {code}):\n{Tail(log)}\n{Errors(kernel)}");
        AssertCleanWithPictures(kernel, notebook, "the real kernel");

        var (runnerCode, runnerLog, runner) = runs.Runner(notebook);
        Assert.True(runnerCode == 0, $"{notebook} failed in the runner (exit {runnerCode}):\n{runnerLog}");
        var kernelCells = Kinds(kernel);
        var runnerCells = Kinds(runner);
        Assert.Equal(runnerCells.Count, kernelCells.Count);
        for (int i = 0; i < runnerCells.Count; i++)
            Assert.True(runnerCells[i] == kernelCells[i],
                $"{notebook}, code cell {i + 1}: the runner shows [{runnerCells[i]}], the real kernel [{kernelCells[i]}]");
    }

    [Fact]
    public void Charts_are_the_same_in_both_engines()
    {
        // Notebook 00's chart is computed from fixed numbers: the figure Plotly.NET writes in the kernel (where its
        // FSharp.Core is redirected to the kernel's) must equal the runner's.
        const string notebook = "00-runner-check.ipynb";
        var output = Path.Combine(runs.Folder, "kernel-charts-" + notebook);
        var (code, log, kernel) = RealKernel.RunNotebook(runs.Notebook(notebook), output,
            [new("preset", "smoke")], TimeSpan.FromMinutes(5));
        Assert.True(code == 0, Tail(log));
        var figures = (Figures(runs.Runner(notebook).Executed), Figures(kernel));
        Assert.NotEmpty(figures.Item1);
        Assert.Equal(figures.Item1, figures.Item2);
    }

    static void AssertCleanWithPictures(NotebookDocument executed, string notebook, string engine)
    {
        var outputs = executed.Cells.Where(c => c.IsCode).SelectMany(c => c.Outputs).ToList();
        Assert.True(outputs.All(o => o.OutputType != "error"), $"{notebook} has an error output in {engine}:\n{Errors(executed)}");
        // Every notebook shows pictures: a run that silently produced none is broken.
        Assert.Contains(outputs, o => o.MimeTypes.Contains("image/png"));
    }

    /// <summary>Per code cell, what a reader sees: "image" and "chart" outputs in order (text and streams vary by engine).</summary>
    static List<string> Kinds(NotebookDocument doc) => doc.Cells.Where(c => c.IsCode).Select(c => string.Join(", ", c.Outputs
        .Select(o => o.MimeTypes.Contains("image/png") ? "image"
            : o.Data("text/html")?.Contains("waifulabPlotly", StringComparison.Ordinal) == true ? "chart"
            : null)
        .Where(k => k is not null))).ToList();

    /// <summary>The figures (data and layout) of a notebook's charts, without the random element ids.</summary>
    static List<string> Figures(NotebookDocument doc) => doc.Cells.Where(c => c.IsCode).SelectMany(c => c.Outputs)
        .Select(o => o.Data("text/html"))
        .Where(h => h is not null && h.Contains("waifulabPlotly", StringComparison.Ordinal))
        .Select(h => Regex.Match(h!, @"var fig = (.*?);\n").Groups[1].Value).ToList();

    static string Errors(NotebookDocument doc) => string.Join("\n", doc.Cells.Where(c => c.IsCode).SelectMany(c => c.Outputs)
        .Where(o => o.OutputType == "error").Select(o => $"{o.ErrorName}: {o.ErrorValue}\n{string.Join("\n", o.Traceback)}"));

    static string Tail(string log) => log.Length <= 6000 ? log : log[^6000..];
}

/// <summary>Notebook runs are whole training runs: one at a time, not beside each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NotebookSmoke : ICollectionFixture<NotebookSmoke.Runs>
{
    public const string Name = "notebook smoke";

    /// <summary>
    /// Each notebook's runner run, made once and shared by the tests that look at it, in a temporary folder that also
    /// holds outputs. The notebooks run from <c>Folder/repo/notebooks</c>, beside links to the repository's src/ (the
    /// built library they reference) and data/ (the built-in dataset, drawn once), so what they write to
    /// <c>../runs</c> stays in the copy.
    /// </summary>
    public sealed class Runs : IDisposable
    {
        readonly Dictionary<string, (int, string, NotebookDocument)> _runner = [];
        public string Folder { get; } = Directory.CreateTempSubdirectory("waifulab-smoke-").FullName;

        /// <summary>Every file under the repository's runs/ with its size and write time, taken before any notebook ran.</summary>
        public IReadOnlyList<string> RepositoryRunsBefore { get; } = Snapshot(Repo.PathOf("runs"));

        public Runs()
        {
            var copy = Path.Combine(Folder, "repo");
            Directory.CreateDirectory(Path.Combine(copy, "notebooks"));
            File.Copy(Repo.PathOf("WaifuLab.sln"), Path.Combine(copy, "WaifuLab.sln")); // marks the root, as in a clone
            foreach (var link in new[] { "src", "data" })
                Directory.CreateSymbolicLink(Path.Combine(copy, link), Repo.PathOf(link));
            foreach (var notebook in Directory.GetFiles(Repo.PathOf("notebooks"), "*.ipynb"))
                File.Copy(notebook, Path.Combine(copy, "notebooks", Path.GetFileName(notebook)));
        }

        /// <summary>The copy of notebooks/<paramref name="notebook"/> that the tests run.</summary>
        public string Notebook(string notebook) => Path.Combine(Folder, "repo", "notebooks", notebook);

        public static IReadOnlyList<string> Snapshot(string folder) => Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .Select(f => $"{f} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f):O}").ToList()
            : [];

        public (int Code, string Log, NotebookDocument Executed) Runner(string notebook)
        {
            lock (_runner)
            {
                if (_runner.TryGetValue(notebook, out var done)) return done;
                var output = Path.Combine(Folder, "runner-" + notebook);
                var (code, log) = RunCli("notebook", "run", Notebook(notebook),
                    "-p", "preset", "smoke", "--out", output, "--plotly", "cdn", "--timeout", "900");
                return _runner[notebook] = (code, log, File.Exists(output) ? NotebookDocument.Load(output) : new NotebookDocument());
            }
        }

        public void Dispose()
        {
            try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
        }

        static (int Code, string Log) RunCli(params string[] args)
        {
            // The CLI built beside this test assembly (a project reference), run as its own process like CI does.
            var cli = Path.Combine(AppContext.BaseDirectory, "WaifuLab.Cli.dll");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(cli);
            foreach (var a in args) start.ArgumentList.Add(a);
            start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
            using var p = Process.Start(start)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            return (p.ExitCode, stdout.Result + stderr.Result);
        }
    }
}
