using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using WaifuLab.Backend;
using WaifuLab.Notebooks;

namespace WaifuLab.Cli.Notebooks;

/// <summary>
/// Executes a Polyglot C# notebook headless, like papermill: every code cell in order in one Roslyn script state,
/// with the notebook's folder as working directory; console output, displays and last-expression values become
/// Jupyter outputs; the first failure stops the run and is stored in its cell; the executed notebook is written
/// either way. Roslyn never unloads a submission's assembly, so run one notebook per process (the CLI does).
/// </summary>
public static partial class NotebookRunner
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1); // the console and working directory are process-wide

    public static async Task<NotebookRunResult> RunAsync(string path, IEnumerable<KeyValuePair<string, string>>? parameters = null,
        NotebookRunOptions? options = null)
    {
        options ??= new NotebookRunOptions();
        var input = Path.GetFullPath(path);
        var output = Path.GetFullPath(options.OutputPath ?? input);
        var notebook = NotebookDocument.Load(input);
        var given = (parameters ?? []).ToList();

        // Everything that can be refused is refused before a cell runs.
        var bound = Parameterize(notebook, given);
        var codes = new Dictionary<NotebookCell, string?>();
        var directiveFailure = (Cell: (NotebookCell?)null, Error: (CellDirectiveException?)null);
        foreach (var cell in notebook.Cells.Where(c => c.IsCode))
        {
            if (cell.HasTag(NotebookParameters.InjectedTag)) { codes[cell] = cell.Source; continue; }
            try { codes[cell] = CellDirectives.Process(cell); }
            catch (CellDirectiveException e) { directiveFailure = (cell, e); break; }
        }

        await OneAtATime.WaitAsync().ConfigureAwait(false);
        try
        {
            return await ExecuteAsync(notebook, input, output, bound, codes, directiveFailure, options).ConfigureAwait(false);
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    /// <summary>
    /// Papermill's preparation, shared with any other engine that runs the notebook (the tests' real kernel): binds
    /// <paramref name="given"/> to the parameters cell (refusing bad names, types and values), clears old outputs,
    /// and replaces an earlier injected-parameters cell with a new one right after the parameters cell.
    /// </summary>
    public static IReadOnlyList<NotebookParameters.Bound> Parameterize(NotebookDocument notebook, IReadOnlyList<KeyValuePair<string, string>> given)
    {
        var cell = notebook.Cells.FirstOrDefault(c => c.IsCode && c.HasTag(NotebookParameters.ParametersTag));
        var bound = cell is not null ? NotebookParameters.Bind(NotebookParameters.Parse(cell.Source), given)
            : given.Count == 0 ? [] : throw new ArgumentException(
                $"the notebook has no cell tagged '{NotebookParameters.ParametersTag}', so it takes no parameters (given: {string.Join(", ", given.Select(g => g.Key))})");
        notebook.Cells.RemoveAll(c => c.HasTag(NotebookParameters.InjectedTag));
        foreach (var code in notebook.Cells.Where(c => c.IsCode))
        {
            code.Outputs.Clear();
            code.ExecutionCount = null;
            code.Metadata.Remove("papermill");
        }
        if (notebook.FormatMinor >= 5) // nbformat 4.5 requires cell ids
            foreach (var c in notebook.Cells.Where(c => c.Id is null)) c.Id = notebook.NewCellId();
        if (bound.Count == 0) return bound;
        var injected = NotebookCell.Code(NotebookParameters.InjectedSource(bound), NotebookParameters.InjectedTag);
        if (notebook.FormatMinor >= 5) injected.Id = notebook.NewCellId();
        notebook.Cells.Insert(notebook.Cells.IndexOf(cell!) + 1, injected);
        return bound;
    }

    private static async Task<NotebookRunResult> ExecuteAsync(NotebookDocument notebook, string input, string output,
        IReadOnlyList<NotebookParameters.Bound> bound, Dictionary<NotebookCell, string?> codes,
        (NotebookCell? Cell, CellDirectiveException? Error) directiveFailure, NotebookRunOptions options)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var folder = Path.GetDirectoryName(input)!;
        var name = Path.GetFileName(input);
        var renderer = new MimeRenderer(options.Plotly);
        var capture = new CellCapture(renderer);
        int executed = 0, total = notebook.Cells.Count(c => c.IsCode && codes.GetValueOrDefault(c) is not null);
        int? failedIndex = null;
        string? error = null;
        bool timedOut = false;

        if (directiveFailure is { Cell: { } badCell, Error: { } badDirective })
        {
            failedIndex = notebook.Cells.IndexOf(badCell);
            error = $"{name}: cell {failedIndex + 1}, line {badDirective.Line}: {badDirective.Message}";
            badCell.Outputs.Add(NotebookOutput.Error("DirectiveError", badDirective.Message, [$"DirectiveError: {badDirective.Message}", $"   at cell {failedIndex + 1}, line {badDirective.Line}"]));
            SetStatus(badCell, "failed", started, TimeSpan.Zero);
        }
        else
        {
            TorchBackend.EnsureLoaded(); // before a cell touches torch: the Debian 12 libstdc++ fix
            var previousDirectory = Environment.CurrentDirectory;
            var (stdout, stderr) = (Console.Out, Console.Error);
            Environment.CurrentDirectory = folder;
            Console.SetOut(capture.Stdout);
            Console.SetError(capture.Stderr);
            using var display = Display.Attach(capture);
            try
            {
                // Roslyn's first compilation (JIT, reading references) takes seconds on a busy machine; doing it here
                // keeps it out of the first cell's time and timeout. The notebook's cells continue this state.
                var warmUp = Stopwatch.StartNew();
                ScriptState<object>? state = await CSharpScript.RunAsync("0", ScriptSetup.For(folder, $"{name}#setup")).ConfigureAwait(false);
                options.Log?.WriteLine($"  C# scripting ready in {warmUp.Elapsed.TotalSeconds:F1} s");
                var cellsStart = clock.Elapsed;
                for (int index = 0; index < notebook.Cells.Count; index++)
                {
                    var cell = notebook.Cells[index];
                    if (!cell.IsCode || codes.GetValueOrDefault(cell) is not { } code) continue;
                    cell.ExecutionCount = ++executed;
                    var cellPath = $"{name}#cell{index + 1}";
                    var remaining = Remaining(options, clock.Elapsed - cellsStart);
                    var cellClock = Stopwatch.StartNew();
                    var cellStart = DateTimeOffset.UtcNow;
                    capture.Target(cell);
                    var outcome = await RunCellAsync(state, code, ScriptSetup.For(folder, cellPath), remaining).ConfigureAwait(false);
                    capture.Target(null);
                    cellClock.Stop();
                    if (outcome.State is { } next)
                    {
                        state = next;
                        if (renderer.Render(next.ReturnValue) is { } bundle)
                            cell.Outputs.Add(NotebookOutput.ExecuteResult(bundle, cell.ExecutionCount.Value));
                        SetStatus(cell, "completed", cellStart, cellClock.Elapsed);
                        options.Log?.WriteLine($"  [{executed}/{total}] cell {index + 1} ok {cellClock.Elapsed.TotalSeconds:F1} s");
                        continue;
                    }
                    var failure = Describe(outcome, cellPath, remaining);
                    cell.Outputs.Add(NotebookOutput.Error(failure.Name, failure.Value, failure.Traceback));
                    SetStatus(cell, "failed", cellStart, cellClock.Elapsed);
                    failedIndex = index;
                    timedOut = outcome.TimedOut;
                    var where = failure.Line is { } line ? $"cell {index + 1}, line {line}" : $"cell {index + 1}";
                    error = $"{name}: {where}: {failure.Name}: {failure.Value}";
                    options.Log?.WriteLine($"  [{executed}/{total}] cell {index + 1} FAILED {cellClock.Elapsed.TotalSeconds:F1} s");
                    break;
                }
            }
            finally
            {
                capture.Target(null);
                Console.SetOut(stdout);
                Console.SetError(stderr);
                Environment.CurrentDirectory = previousDirectory;
            }
        }

        clock.Stop();
        RecordRun(notebook, input, output, bound, started, clock.Elapsed, error);
        notebook.Save(output);
        return new NotebookRunResult(notebook, output, clock.Elapsed, executed, failedIndex, error, timedOut);
    }

    private static TimeSpan? Remaining(NotebookRunOptions options, TimeSpan elapsed)
    {
        TimeSpan? left = options.Timeout is { } total ? total - elapsed : null;
        if (options.CellTimeout is { } cell && (left is null || cell < left)) left = cell;
        return left is { } l && l < TimeSpan.Zero ? TimeSpan.Zero : left;
    }

    private sealed record CellOutcome(ScriptState<object>? State, Exception? Error, bool TimedOut);

    /// <summary>Runs one submission on a worker thread so a cell past its time can be abandoned (it cannot be aborted).</summary>
    private static async Task<CellOutcome> RunCellAsync(ScriptState<object>? state, string code, ScriptOptions options, TimeSpan? timeout)
    {
        var run = Task.Run(async () => state is null
            ? await CSharpScript.RunAsync(code, options).ConfigureAwait(false)
            : await state.ContinueWithAsync(code, options).ConfigureAwait(false));
        if (timeout is { } limit && await Task.WhenAny(run, Task.Delay(limit)).ConfigureAwait(false) != run)
        {
            _ = run.ContinueWith(t => _ = t.Exception, TaskScheduler.Default); // observed, never rethrown
            return new CellOutcome(null, null, TimedOut: true);
        }
        try
        {
            return new CellOutcome(await run.ConfigureAwait(false), null, false);
        }
        catch (Exception e)
        {
            return new CellOutcome(null, e, false);
        }
    }

    private sealed record Failure(string Name, string Value, IReadOnlyList<string> Traceback, int? Line);

    private static Failure Describe(CellOutcome outcome, string cellPath, TimeSpan? limit)
    {
        if (outcome.TimedOut)
        {
            var message = $"the cell did not finish within {limit?.TotalSeconds:0.#} s (--timeout / --cell-timeout)";
            return new Failure("TimeoutError", message, [$"TimeoutError: {message}"], null);
        }
        if (outcome.Error is CompilationErrorException compile)
        {
            var errors = compile.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            var first = errors.FirstOrDefault() ?? compile.Diagnostics.First();
            int line = first.Location.GetLineSpan().StartLinePosition.Line + 1;
            var lines = errors.Select(d => $"({d.Location.GetLineSpan().StartLinePosition.Line + 1},{d.Location.GetLineSpan().StartLinePosition.Character + 1}): {d.Id}: {d.GetMessage(CultureInfo.InvariantCulture)}");
            return new Failure("CompilationError", $"{first.Id}: {first.GetMessage(CultureInfo.InvariantCulture)}",
                ["CompilationError: the cell does not compile", .. lines.Select(l => "   " + cellPath + l)], line);
        }
        var e = outcome.Error!;
        if (e is AggregateException { InnerExceptions.Count: 1 } agg) e = agg.InnerExceptions[0];
        var trace = Traceback(e, cellPath);
        var match = trace.Select(l => CellLine().Match(l)).FirstOrDefault(m => m.Success && m.Groups["path"].Value == cellPath);
        return new Failure(e.GetType().Name, e.Message, trace, match is null ? null : int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>The exception's message and frames, without the scripting engine's own frames below the cell.</summary>
    private static List<string> Traceback(Exception e, string cellPath)
    {
        var lines = new List<string> { $"{e.GetType().FullName}: {e.Message}" };
        foreach (var frame in (e.StackTrace ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (frame.Contains("Microsoft.CodeAnalysis.Scripting", StringComparison.Ordinal)) break;
            // Roslyn roots the cell's file path in the notebook's folder; the short name reads better.
            lines.Add("   " + CellLine().Replace(frame, m => m.Groups["path"].Value.EndsWith(cellPath, StringComparison.Ordinal)
                ? $" in {cellPath}:line {m.Groups["line"].Value}" : m.Value));
        }
        while (lines.Count > 1 && lines[^1].Contains("--- End of stack trace", StringComparison.Ordinal)) lines.RemoveAt(lines.Count - 1);
        if (e.InnerException is { } inner) lines.Add($" ---> {inner.GetType().FullName}: {inner.Message}");
        return lines;
    }

    [GeneratedRegex(@" in (?<path>.+):line (?<line>\d+)$")]
    private static partial Regex CellLine();

    private static void SetStatus(NotebookCell cell, string status, DateTimeOffset start, TimeSpan duration) =>
        cell.Metadata["papermill"] = new JsonObject
        {
            ["duration"] = Math.Round(duration.TotalSeconds, 3),
            ["end_time"] = (start + duration).ToString("O", CultureInfo.InvariantCulture),
            ["start_time"] = start.ToString("O", CultureInfo.InvariantCulture),
            ["status"] = status,
        };

    /// <summary>Papermill's notebook metadata: parameters used, timings, the exception; read by CI and by people.</summary>
    private static void RecordRun(NotebookDocument notebook, string input, string output, IReadOnlyList<NotebookParameters.Bound> bound,
        DateTimeOffset started, TimeSpan duration, string? error)
    {
        var parameters = new JsonObject();
        foreach (var b in bound) parameters[b.Parameter.Name] = JsonValue.Create(b.Value);
        notebook.Metadata["papermill"] = new JsonObject
        {
            ["duration"] = Math.Round(duration.TotalSeconds, 3),
            ["end_time"] = (started + duration).ToString("O", CultureInfo.InvariantCulture),
            ["environment_variables"] = new JsonObject(),
            ["exception"] = error is not null,
            ["input_path"] = Path.GetRelativePath(Path.GetDirectoryName(output)!, input),
            ["output_path"] = Path.GetFileName(output),
            ["parameters"] = parameters,
            ["start_time"] = started.ToString("O", CultureInfo.InvariantCulture),
            ["version"] = $"waifulab notebook run {typeof(NotebookRunner).Assembly.GetName().Version}",
        };
        // Polyglot needs these to open the file as a C# notebook; keep the author's if present.
        var polyglot = NotebookDocument.PolyglotMetadata();
        foreach (var key in new[] { "kernelspec", "language_info", "polyglot_notebook" })
            if (notebook.Metadata[key] is null) notebook.Metadata[key] = polyglot[key]!.DeepClone();
    }
}
