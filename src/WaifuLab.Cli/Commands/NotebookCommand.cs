using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using WaifuLab.Cli.Notebooks;
using WaifuLab.Notebooks;

namespace WaifuLab.Cli.Commands;

/// <summary>
/// <c>waifulab notebook run</c> executes one notebook headless (papermill-style parameters, outputs stored in the
/// notebook); <c>waifulab notebook run-all DIR</c> runs every notebook of a folder, each in its own process, for CI.
/// </summary>
public static class NotebookCommand
{
    public static Command Create()
    {
        var command = new Command("notebook", "Run Polyglot C# notebooks headless, with parameters, storing their outputs.");
        command.Subcommands.Add(CreateRun());
        command.Subcommands.Add(CreateRunAll());
        return command;
    }

    private static Option<string[]> ParameterOption() => new("--parameter", "-p")
    {
        Description = "Set a parameter declared in the notebook's 'parameters' cell: -p NAME VALUE (repeatable).",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = true,
    };

    private static Option<double?> TimeoutOption() => new("--timeout") { Description = "Stop a notebook after this many seconds." };

    private static Option<double?> CellTimeoutOption() => new("--cell-timeout") { Description = "Stop any one cell after this many seconds." };

    private static Option<string> PlotlyOption() => new("--plotly")
    {
        Description = "How charts get plotly.js: inline (once per notebook, renders offline) or cdn (smaller, needs the internet).",
        DefaultValueFactory = _ => "inline",
    };

    private static Command CreateRun()
    {
        var input = new Argument<string>("notebook") { Description = "The .ipynb file to run." };
        var parameters = ParameterOption();
        var file = new Option<string?>("--parameters-file", "-f") { Description = "A JSON object of parameter values (applied before -p)." };
        var output = new Option<string?>("--out", "-o") { Description = "Write the executed notebook here (default: back into NOTEBOOK)." };
        var timeout = TimeoutOption();
        var cellTimeout = CellTimeoutOption();
        var plotly = PlotlyOption();
        var command = new Command("run", "Run every code cell of a notebook in order and store the outputs in the notebook.")
        {
            input, parameters, file, output, timeout, cellTimeout, plotly,
        };
        command.SetAction(async (parse, _) =>
        {
            var given = new List<KeyValuePair<string, string>>();
            if (parse.GetValue(file) is { } f) given.AddRange(NotebookParameters.ReadFile(f));
            given.AddRange(Pairs(parse.GetValue(parameters)));
            var options = new NotebookRunOptions
            {
                OutputPath = parse.GetValue(output),
                Timeout = Seconds(parse.GetValue(timeout), "--timeout"),
                CellTimeout = Seconds(parse.GetValue(cellTimeout), "--cell-timeout"),
                Plotly = ParsePlotly(parse.GetValue(plotly)),
                Log = Console.Error,
            };
            var path = parse.GetValue(input)!;
            Console.Error.WriteLine($"running {path}");
            var result = await NotebookRunner.RunAsync(path, given, options);
            var size = new FileInfo(result.OutputPath).Length;
            if (!result.Succeeded)
            {
                Console.Error.WriteLine($"error: {result.Error}");
                Console.Error.WriteLine($"partial notebook written to {result.OutputPath} ({size:N0} bytes)");
                // A timed-out cell cannot be aborted, only abandoned; ending the process is what stops it
                // (it may hold foreground threads or native work). The notebook is already written.
                if (result.TimedOut) Environment.Exit(CliErrors.Failed);
                return CliErrors.Failed;
            }
            Console.WriteLine($"ok {result.CellsRun} cells in {result.Duration.TotalSeconds:F1} s -> {result.OutputPath} ({size:N0} bytes)");
            return CliErrors.Ok;
        });
        return command;
    }

    private static Command CreateRunAll()
    {
        var folder = new Argument<string>("folder") { Description = "Folder whose *.ipynb notebooks to run, in name order." };
        var parameters = ParameterOption();
        parameters.Description = "-p NAME VALUE, passed to each notebook whose parameters cell declares NAME (repeatable).";
        var outDir = new Option<string?>("--out-dir") { Description = "Write executed notebooks here (default: back into each notebook)." };
        var timeout = TimeoutOption();
        var cellTimeout = CellTimeoutOption();
        var plotly = PlotlyOption();
        var command = new Command("run-all", "Run every notebook of a folder, each in a fresh process, and report time and result per notebook.")
        {
            folder, parameters, outDir, timeout, cellTimeout, plotly,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var dir = parse.GetValue(folder)!;
            if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"no such folder: {dir}");
            var notebooks = Directory.GetFiles(dir, "*.ipynb").Order(StringComparer.Ordinal).ToList();
            if (notebooks.Count == 0) throw new ArgumentException($"no .ipynb files in {dir}");
            var given = Pairs(parse.GetValue(parameters));
            var rows = new List<(string Name, string Result, TimeSpan Time)>();
            foreach (var path in notebooks)
            {
                var args = new List<string> { "notebook", "run", path, "--plotly", parse.GetValue(plotly)! };
                foreach (var (name, value) in Applicable(path, given)) args.AddRange(["-p", name, value]);
                if (parse.GetValue(outDir) is { } o) args.AddRange(["--out", Path.Combine(o, Path.GetFileName(path))]);
                if (parse.GetValue(timeout) is { } t) args.AddRange(["--timeout", t.ToString(CultureInfo.InvariantCulture)]);
                if (parse.GetValue(cellTimeout) is { } ct) args.AddRange(["--cell-timeout", ct.ToString(CultureInfo.InvariantCulture)]);
                var clock = Stopwatch.StartNew();
                int code = await RunChildAsync(args, cancel);
                rows.Add((Path.GetFileName(path), code == 0 ? "ok" : $"FAILED (exit {code})", clock.Elapsed));
            }
            int width = Math.Max(8, rows.Max(r => r.Name.Length));
            Console.WriteLine();
            Console.WriteLine($"{"notebook".PadRight(width)}  {"time",8}  result");
            foreach (var (name, result, time) in rows)
                Console.WriteLine($"{name.PadRight(width)}  {time.TotalSeconds,7:F1}s  {result}");
            int failed = rows.Count(r => r.Result != "ok");
            Console.WriteLine($"{rows.Count - failed}/{rows.Count} notebooks ok");
            return failed == 0 ? CliErrors.Ok : CliErrors.Failed;
        });
        return command;
    }

    /// <summary>The -p values whose name the notebook's parameters cell declares; a notebook without that cell gets none.</summary>
    private static IEnumerable<KeyValuePair<string, string>> Applicable(string path, IReadOnlyList<KeyValuePair<string, string>> given)
    {
        NotebookCell? cell;
        try { cell = NotebookDocument.Load(path).Cells.FirstOrDefault(c => c.IsCode && c.HasTag(NotebookParameters.ParametersTag)); }
        catch (InvalidDataException) { return []; } // the notebook's own run reports what is wrong with it
        if (cell is null) return [];
        var declared = NotebookParameters.Parse(cell.Source).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        return given.Where(g => declared.Contains(g.Key));
    }

    /// <summary>A fresh `waifulab` process: Roslyn submissions never unload, and a notebook must not see another's state.</summary>
    private static async Task<int> RunChildAsync(IEnumerable<string> args, CancellationToken cancel)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which program is running");
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(typeof(NotebookCommand).Assembly.Location); // started as `dotnet WaifuLab.Cli.dll`
        foreach (var a in args) start.ArgumentList.Add(a);
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {host}");
        try
        {
            await child.WaitForExitAsync(cancel);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            throw;
        }
        return child.ExitCode;
    }

    private static List<KeyValuePair<string, string>> Pairs(string[]? values)
    {
        values ??= [];
        if (values.Length % 2 != 0)
            throw new ArgumentException($"-p takes a name and a value (-p NAME VALUE); got: {string.Join(" ", values)}");
        return Enumerable.Range(0, values.Length / 2).Select(i => new KeyValuePair<string, string>(values[2 * i], values[2 * i + 1])).ToList();
    }

    private static TimeSpan? Seconds(double? value, string option) => value switch
    {
        null => null,
        > 0 => TimeSpan.FromSeconds(value.Value),
        _ => throw new ArgumentException($"{option} must be a positive number of seconds; got {value}"),
    };

    private static PlotlyMode ParsePlotly(string? value) => value?.ToLowerInvariant() switch
    {
        "inline" or null => PlotlyMode.Inline,
        "cdn" => PlotlyMode.Cdn,
        _ => throw new ArgumentException($"--plotly must be inline or cdn; got '{value}'"),
    };
}
