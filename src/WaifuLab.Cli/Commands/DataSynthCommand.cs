using System.CommandLine;
using System.Diagnostics;
using WaifuLab.Data.Synthetic;

namespace WaifuLab.Cli.Commands;

/// <summary>
/// <c>waifulab data synth</c>: draws the built-in labelled anime-face dataset (PNGs plus labels.csv), and/or the
/// sample grids of it for the README. Without --out and without grids it fills the built-in data folder.
/// </summary>
public static class DataSynthCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "Number of faces.", DefaultValueFactory = _ => 20000 };
        var size = new Option<int>("--size") { Description = $"Image size in pixels ({FaceRenderer.MinSize}-{FaceRenderer.MaxSize}).", DefaultValueFactory = _ => 64 };
        var seed = new Option<int>("--seed") { Description = "Seed; the same seed gives byte-identical files.", DefaultValueFactory = _ => 1 };
        var output = new Option<string?>("--out") { Description = "Output folder (default: the built-in dataset folder under data/)." };
        var grid = new Option<string?>("--grid") { Description = "Also write an 8x8 grid of the first faces to this PNG (e.g. docs/dataset-grid.png)." };
        var hairRows = new Option<string?>("--hair-rows") { Description = "Also write one row per hair colour to this PNG (e.g. docs/dataset-hair-rows.png)." };
        var gridOnly = new Option<bool>("--grid-only") { Description = "Write only the grids, no dataset." };
        var rows = new Option<int>("--grid-rows") { Description = "Rows of the --grid picture.", DefaultValueFactory = _ => 8 };
        var columns = new Option<int>("--grid-columns") { Description = "Columns of both grid pictures.", DefaultValueFactory = _ => 8 };

        var command = new Command("synth", "Draw the built-in anime-face dataset with exact attribute labels (PNGs + labels.csv).")
        {
            count, size, seed, output, grid, hairRows, gridOnly, rows, columns,
        };
        command.SetAction((parse, cancel) =>
        {
            int n = parse.GetValue(count), s = parse.GetValue(size), k = parse.GetValue(seed);
            var outDir = parse.GetValue(output);
            var gridPath = parse.GetValue(grid);
            var rowsPath = parse.GetValue(hairRows);
            bool onlyGrids = parse.GetValue(gridOnly);
            if (onlyGrids && gridPath is null && rowsPath is null)
                throw new ArgumentException("--grid-only needs --grid PATH and/or --hair-rows PATH");

            if (gridPath is not null)
            {
                SyntheticFaces.Grid(s, k, parse.GetValue(rows), parse.GetValue(columns)).Save(gridPath);
                Console.WriteLine($"grid       {gridPath}");
            }
            if (rowsPath is not null)
            {
                SyntheticFaces.HairRows(s, k, parse.GetValue(columns)).Save(rowsPath);
                Console.WriteLine($"hair rows  {rowsPath}");
            }
            if (onlyGrids) return Task.FromResult(CliErrors.Ok);

            var watch = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var progress = new ConsoleProgress(n);
            string folder;
            if (outDir is null)
            {
                var builtIn = Path.Combine(BuiltInDataset.DataRoot(), BuiltInDataset.FolderName(s, n, k));
                if (BuiltInDataset.IsComplete(builtIn, n))
                {
                    Console.WriteLine($"dataset    {builtIn}  (already complete, reused)");
                    return Task.FromResult(CliErrors.Ok);
                }
                folder = BuiltInDataset.EnsureGenerated(size: s, count: n, seed: k, progress: progress);
            }
            else
            {
                SyntheticFaces.Generate(outDir, n, s, k, progress, cancel);
                folder = outDir;
            }
            Console.Error.WriteLine();
            // CPU time per face as well as wall time: on a shared machine the former is the figure that carries over.
            var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Console.WriteLine($"dataset    {folder}  ({n} faces of {s} px, seed {k})");
            Console.WriteLine($"time       {watch.Elapsed.TotalSeconds:F1} s wall, {cpuUsed.TotalSeconds:F1} s CPU ({cpuUsed.TotalMilliseconds / n:F2} ms CPU per face, {Environment.ProcessorCount} cores)");
            Console.WriteLine($"attributes {string.Join("; ", SyntheticFaces.Schema.Attributes)}");
            return Task.FromResult(CliErrors.Ok);
        });
        return command;
    }

    /// <summary>Progress on one stderr line, reported straight from the worker threads; counts never go backwards.</summary>
    private sealed class ConsoleProgress(int total) : IProgress<int>
    {
        private readonly Lock gate = new();
        private int shown;

        public void Report(int done)
        {
            lock (gate)
            {
                if (done <= shown) return;
                shown = done;
                Console.Error.Write($"\r{done}/{total} faces");
            }
        }
    }
}
