using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WaifuLab.Cli.Notebooks;
using WaifuLab.Notebooks;

namespace WaifuLab.Tests.Notebooks;

/// <summary>The runner redirects the console and changes the working directory: its tests run alone.</summary>
[CollectionDefinition(nameof(NotebookRunnerCollection), DisableParallelization = true)]
public class NotebookRunnerCollection;

[Collection(nameof(NotebookRunnerCollection))]
public sealed class NotebookRunnerTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("waifulab-run-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Fixture(string name, params NotebookCell[] cells)
    {
        var path = Path.Combine(_dir.FullName, name);
        new NotebookDocument(cells.ToList(), formatMinor: 2).Save(path);
        return path;
    }

    private static KeyValuePair<string, string>[] P(params (string, string)[] values) =>
        values.Select(v => new KeyValuePair<string, string>(v.Item1, v.Item2)).ToArray();

    private static readonly NotebookRunOptions Cdn = new() { Plotly = PlotlyMode.Cdn };

    [Fact]
    public async Task Runs_cells_in_one_state_and_stores_outputs_and_parameters()
    {
        var path = Fixture("fixture.ipynb",
            NotebookCell.Markdown("# Fixture"),
            NotebookCell.Code("#r \"nuget: TorchSharp, 0.107.0\"\n#r \"../src/WaifuLab/bin/Release/net10.0/WaifuLab.dll\"\nusing TorchSharp;\nusing WaifuLab.Imaging;\nusing WaifuLab.Plots;"),
            NotebookCell.Code("string preset = \"quick\"; // smoke | quick | full\nint n = 2;", "parameters"),
            NotebookCell.Code("using System.IO;\nclass Counter { public int Value; }\nvar counter = new Counter { Value = n };\nConsole.WriteLine($\"preset={preset}\");\nConsole.Error.WriteLine(\"warn\");\nFile.Exists(\"fixture.ipynb\")"),
            NotebookCell.Code("await Task.Delay(1);\ncounter.Value += 1;\ncounter.Value"),
            NotebookCell.Code("display(ImageGrid.ToPng(torch.zeros(n, 3, 8, 8)));\nvar x = new[] { 0.0, 1.0 };\ndisplay(Charts.Lines(\"x\", \"y\", x, (\"a\", x)));\ndisplay(Charts.Lines(\"x\", \"y\", x, (\"b\", x)));"));

        var result = await NotebookRunner.RunAsync(path, P(("preset", "smoke"), ("n", "3")), Cdn);

        Assert.True(result.Succeeded, result.Error);
        var cells = NotebookDocument.Load(path).Cells; // written back in place
        Assert.Equal(7, cells.Count);
        Assert.True(cells[3].HasTag("injected-parameters"));
        Assert.Contains("string preset = \"smoke\";", cells[3].Source);
        Assert.Contains("int n = 3;", cells[3].Source);

        var state = cells[4];
        Assert.Equal("preset=smoke\n", state.Outputs.Single(o => o.StreamName == "stdout").Text);
        Assert.Equal("warn\n", state.Outputs.Single(o => o.StreamName == "stderr").Text);
        Assert.Equal("True", state.Outputs.Single(o => o.OutputType == "execute_result").Data("text/plain")); // working directory

        var counted = cells[5].Outputs.Single();
        Assert.Equal(("execute_result", "4"), (counted.OutputType, counted.Data("text/plain")));
        Assert.Equal(5, cells[5].ExecutionCount);
        Assert.Equal(5, counted.Json["execution_count"]!.GetValue<int>());

        var shown = cells[6].Outputs;
        Assert.Equal(["display_data", "display_data", "display_data"], shown.Select(o => o.OutputType));
        Assert.NotNull(shown[0].Data("image/png"));
        var html = shown[1].Data("text/html") + shown[2].Data("text/html");
        Assert.Single(Regex.Matches(html, Regex.Escape(PlotlyScript.CdnUrl)));

        var json = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal(".net-csharp", json["metadata"]!["kernelspec"]!["name"]!.GetValue<string>());
        Assert.Equal(4, json["nbformat"]!.GetValue<int>());
        Assert.Equal("smoke", json["metadata"]!["papermill"]!["parameters"]!["preset"]!.GetValue<string>());
        Assert.Equal(3, json["metadata"]!["papermill"]!["parameters"]!["n"]!.GetValue<int>());
        Assert.Equal("completed", json["cells"]![4]!["metadata"]!["papermill"]!["status"]!.GetValue<string>());
        Assert.True(json["cells"]![4]!["metadata"]!["papermill"]!["duration"]!.GetValue<double>() >= 0);

        // Running the executed notebook again replaces the injected cell rather than stacking a second one.
        var again = await NotebookRunner.RunAsync(path, P(("n", "4")), Cdn);
        Assert.True(again.Succeeded, again.Error);
        var rerun = NotebookDocument.Load(path).Cells;
        var injected = Assert.Single(rerun, c => c.HasTag("injected-parameters"));
        Assert.DoesNotContain("preset", injected.Source);
        Assert.Equal("5", rerun[5].Outputs.Single().Data("text/plain"));
    }

    [Fact]
    public async Task An_exception_stops_the_run_and_the_partial_notebook_is_written()
    {
        var path = Fixture("throws.ipynb",
            NotebookCell.Code("Console.WriteLine(\"before\");"),
            NotebookCell.Code("int a = 1;\nthrow new InvalidOperationException(\"boom\");"),
            NotebookCell.Code("Console.WriteLine(\"after\");"));
        var output = Path.Combine(_dir.FullName, "out", "throws.ipynb");

        var result = await NotebookRunner.RunAsync(path, options: new NotebookRunOptions { OutputPath = output });

        Assert.False(result.Succeeded);
        Assert.Equal(1, result.FailedCellIndex);
        Assert.Contains("cell 2, line 2: InvalidOperationException: boom", result.Error);
        var cells = NotebookDocument.Load(output).Cells;
        Assert.Equal("before\n", cells[0].Outputs.Single().Text);
        var error = cells[1].Outputs.Single();
        Assert.Equal(("error", "InvalidOperationException", "boom"), (error.OutputType, error.ErrorName, error.ErrorValue));
        Assert.Contains(error.Traceback, l => l.Contains("line 2"));
        Assert.Null(cells[2].ExecutionCount);
        Assert.Empty(cells[2].Outputs);
        Assert.Equal("failed", cells[1].Metadata["papermill"]!["status"]!.GetValue<string>());
        Assert.True(NotebookDocument.Load(output).Metadata["papermill"]!["exception"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_compile_error_names_its_line()
    {
        var path = Fixture("compile.ipynb", NotebookCell.Code("var ok = 1;"), NotebookCell.Code("var x = 1;\nundefinedThing();"));
        var result = await NotebookRunner.RunAsync(path);
        Assert.Contains("cell 2, line 2: CompilationError: CS0103", result.Error);
        var error = NotebookDocument.Load(path).Cells[1].Outputs.Single();
        Assert.Equal("CompilationError", error.ErrorName);
    }

    [Fact]
    public async Task A_cell_past_its_timeout_is_stopped()
    {
        var path = Fixture("slow.ipynb", NotebookCell.Code("await Task.Delay(20_000);"), NotebookCell.Code("1"));
        var result = await NotebookRunner.RunAsync(path, options: new NotebookRunOptions { CellTimeout = TimeSpan.FromSeconds(0.5) });
        Assert.True(result.TimedOut);
        var cells = NotebookDocument.Load(path).Cells;
        Assert.Equal("TimeoutError", cells[0].Outputs.Single().ErrorName);
        Assert.Null(cells[1].ExecutionCount);
    }

    [Fact]
    public async Task An_unknown_package_fails_before_anything_runs()
    {
        var path = Fixture("nuget.ipynb", NotebookCell.Code("Console.WriteLine(\"ran\");"), NotebookCell.Code("#r \"nuget: Foo.Bar, 1.0.0\""));
        var result = await NotebookRunner.RunAsync(path);
        Assert.Contains("cell 2, line 1: package 'Foo.Bar' is not available", result.Error);
        Assert.Equal(0, result.CellsRun);
        var cells = NotebookDocument.Load(path).Cells;
        Assert.Empty(cells[0].Outputs);
        Assert.Equal("DirectiveError", cells[1].Outputs.Single().ErrorName);
    }

    [Fact]
    public async Task Bad_parameters_are_refused_before_anything_runs()
    {
        var path = Fixture("params.ipynb", NotebookCell.Code("int n = 2;", "parameters"), NotebookCell.Code("System.IO.File.WriteAllText(\"ran.txt\", \"\");"));
        var before = File.ReadAllText(path);
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => NotebookRunner.RunAsync(path, P(("m", "1"))));
        Assert.Contains("unknown parameter 'm'; the notebook declares: n", unknown.Message);
        var wrong = await Assert.ThrowsAsync<ArgumentException>(() => NotebookRunner.RunAsync(path, P(("n", "many"))));
        Assert.Contains("'many' is not an int", wrong.Message);
        Assert.False(File.Exists(Path.Combine(_dir.FullName, "ran.txt")));
        Assert.Equal(before, File.ReadAllText(path));

        var none = Fixture("none.ipynb", NotebookCell.Code("1"));
        var e = await Assert.ThrowsAsync<ArgumentException>(() => NotebookRunner.RunAsync(none, P(("n", "1"))));
        Assert.Contains("no cell tagged 'parameters'", e.Message);
    }

    [Fact]
    public async Task A_display_updated_in_place_is_stored_in_its_final_state_and_a_training_cell_leaves_one_output()
    {
        var path = Fixture("live.ipynb",
            NotebookCell.Code("int n = 1;", "parameters"),
            NotebookCell.Code("var h = display(\"first\");\ndisplay(\"second\");\nh.Update(\"first, updated\");\nh"),
            NotebookCell.Code("using WaifuLab.Notebooks;\nusing WaifuLab.Training;\nusing static TorchSharp.torch;\n" +
                "var data = new WaifuLab.Data.ImageDataset(rand(8, 3, 32, 32).mul(2).sub(1), source: \"random\");\n" +
                "var trainer = new GanTrainer(new TrainOptions { Model = new WaifuLab.Models.GanModelOptions(32, 8, 4, 4), BatchSize = 4, Epochs = 3, SampleGridCount = 4, Device = WaifuLab.Backend.ComputeDevice.Cpu }, \"run\");\n" +
                "var history = TrainingMonitor.Train(trainer, data, new TrainingMonitorOptions { RefreshEvery = 2, RedrawSeconds = 0 });"));

        var result = await NotebookRunner.RunAsync(path, [], Cdn);

        Assert.True(result.Succeeded, result.Error);
        var cells = NotebookDocument.Load(path).Cells;
        Assert.Equal(["first, updated", "second"], cells[1].Outputs.Select(o => o.Data("text/plain"))); // the handle itself shows nothing
        var live = Assert.Single(cells[2].Outputs);
        Assert.Equal("display_data", live.OutputType);
        Assert.StartsWith("iteration 6/6 (epoch 3/3)", live.Data("text/plain"));
        Assert.EndsWith("\ndone", live.Data("text/plain"));
        Assert.Equal(2, live.Data("text/html")!.Split("data:image/png;base64,").Length - 1); // loss chart and fixed-noise grid
    }

    [Fact]
    public void Display_outside_a_run_prints_the_text_form()
    {
        var previous = Console.Out;
        using var text = new StringWriter();
        Console.SetOut(text);
        try { Display.display(new List<int> { 1, 2 }); }
        finally { Console.SetOut(previous); }
        Assert.Equal("[1, 2]\n", text.ToString());
    }

    [Fact]
    public void The_command_returns_1_for_a_failed_notebook_and_2_for_refused_parameters()
    {
        var path = Fixture("cli.ipynb", NotebookCell.Code("int n = 1;", "parameters"), NotebookCell.Code("throw new Exception($\"n={n}\");"));
        var root = new System.CommandLine.RootCommand { WaifuLab.Cli.Commands.NotebookCommand.Create() };
        var previous = Console.Error;
        Console.SetError(TextWriter.Null);
        try
        {
            Assert.Equal(1, WaifuLab.Cli.CliErrors.Run(root, ["notebook", "run", path, "-p", "n", "7", "--plotly", "cdn"]));
            Assert.Equal("n=7", NotebookDocument.Load(path).Cells[2].Outputs.Single().ErrorValue);
            Assert.Equal(2, WaifuLab.Cli.CliErrors.Run(root, ["notebook", "run", path, "-p", "m", "7"]));
            Assert.Equal(2, WaifuLab.Cli.CliErrors.Run(root, ["notebook", "run", path, "-p", "n"]));
        }
        finally { Console.SetError(previous); }
    }
}
