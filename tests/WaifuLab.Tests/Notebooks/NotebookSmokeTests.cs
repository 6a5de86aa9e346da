using System.Diagnostics;
using System.Text.Json;

namespace WaifuLab.Tests.Notebooks;

/// <summary>
/// Every notebook of notebooks/ runs headless with <c>-p preset smoke</c>, each in its own <c>waifulab</c> process as
/// CI and users run them: a failing cell, or a notebook whose promised artifacts are missing (the notebooks check
/// their run folders themselves), fails the test. Outputs go to a temporary copy; the committed notebooks are untouched.
/// </summary>
[Collection(NotebookSmoke.Name)]
public sealed class NotebookSmokeTests
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
        var input = Path.Combine(Repo.Root, "notebooks", notebook);
        var output = Path.Combine(Path.GetTempPath(), $"waifulab-smoke-{Environment.ProcessId}-{notebook}");
        var (code, log) = RunCli("notebook", "run", input, "-p", "preset", "smoke", "--out", output, "--plotly", "cdn", "--timeout", "900");
        try
        {
            Assert.True(code == 0, $"{notebook} failed (exit {code}):\n{log}");
            using var doc = JsonDocument.Parse(File.ReadAllText(output));
            var outputs = doc.RootElement.GetProperty("cells").EnumerateArray()
                .Where(c => c.GetProperty("cell_type").GetString() == "code")
                .SelectMany(c => c.GetProperty("outputs").EnumerateArray()).ToList();
            Assert.DoesNotContain(outputs, o => o.GetProperty("output_type").GetString() == "error");
            // Every notebook shows pictures: a run that silently produced none is broken.
            Assert.Contains(outputs, o => o.TryGetProperty("data", out var d) && d.TryGetProperty("image/png", out _));
        }
        finally
        {
            File.Delete(output);
        }
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

/// <summary>Notebook runs are whole training runs: one at a time, not beside each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NotebookSmoke
{
    public const string Name = "notebook smoke";
}
