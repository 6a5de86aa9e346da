using System.CommandLine;
using WaifuLab.Conditional;
using WaifuLab.Imaging;
using WaifuLab.Sampling;
using WaifuLab.Training;

namespace WaifuLab.Cli.Commands;

/// <summary><c>waifulab sample</c>: a grid of images from a checkpoint's generator.</summary>
public static class SampleCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint, e.g. runs/NAME/checkpoints/last.ckpt.", Required = true };
        var count = new Option<int>("--count") { Description = "Number of images.", DefaultValueFactory = _ => 64 };
        var seed = new Option<long?>("--seed") { Description = "Noise seed (the same seed gives the same images)." };
        var output = new Option<string>("--out") { Description = "PNG file to write.", DefaultValueFactory = _ => "samples.png" };
        var attrs = new Option<string[]>("--attr") { Description = "Conditional checkpoints: fix an attribute, e.g. --attr hair=white --attr mouth=0.8 (repeatable); the others are drawn from the training data's labels." };
        var grid = new Option<string?>("--grid") { Description = "Conditional checkpoints: a grid with one row per value of this attribute (e.g. hair) and --columns noise vectors." };
        var columns = new Option<int>("--columns") { Description = "Columns (noise vectors) of a --grid.", DefaultValueFactory = _ => 8 };
        var mix = new Option<string?>("--mix") { Description = "Style checkpoints: a style-mixing grid of two seeds A,B: --columns faces from seed A across the top, --rows from seed B down the side; each cell takes --layers from its top face and the rest from its side face." };
        var layers = new Option<string>("--layers") { Description = "Style mixing: the ws taken from the top faces, e.g. 0-3 (coarse, 4-8 px), 4-7 (middle), 8-9 (fine at 64 px).", DefaultValueFactory = _ => "0-3" };
        var rows = new Option<int>("--rows") { Description = "Rows (side faces) of a --mix grid.", DefaultValueFactory = _ => 5 };
        var psi = new Option<double>("--truncation") { Description = "Style checkpoints: truncation psi in [0,1] (1 = none; 0.7 trades variety for quality).", DefaultValueFactory = _ => 1.0 };
        var command = new Command("sample", "Draw a grid of images from a trained generator (by attribute for conditional runs; style mixing for style runs).")
        {
            checkpoint, count, seed, output, attrs, grid, columns, mix, layers, rows, psi,
        };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(count);
            if (n <= 0) throw new ArgumentException("--count must be positive");
            var requested = parse.GetValue(attrs) ?? [];
            var gridAttribute = parse.GetValue(grid);
            double truncation = parse.GetValue(psi);
            if (!(truncation is >= 0 and <= 1)) throw new ArgumentException($"--truncation must be from 0 to 1, got {truncation}");
            if (gridAttribute is not null && requested.Length > 0)
                throw new ArgumentException("--grid varies one attribute over all its values; use it without --attr");
            using var trainer = GanTrainer.Load(parse.GetValue(checkpoint)!);
            long s = parse.GetValue(seed) ?? Random.Shared.NextInt64(1, 1_000_000);
            var path = parse.GetValue(output)!;
            var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
            if (parse.GetValue(mix) is { } mixSeeds)
            {
                var g = trainer.StyleSamplingGenerator ?? throw new ArgumentException($"--mix needs a style checkpoint (train --preset style-quick); this run's architecture is {trainer.Options.Model.Architecture}");
                var seeds = mixSeeds.Split(',', StringSplitOptions.TrimEntries);
                if (seeds.Length != 2 || !long.TryParse(seeds[0], out long seedA) || !long.TryParse(seeds[1], out long seedB) || seedA < 0 || seedB < 0)
                    throw new ArgumentException($"--mix takes two seeds A,B (whole numbers >= 0), got '{mixSeeds}'");
                var (first, last) = StyleMixing.ParseLayers(parse.GetValue(layers)!, g.NumWs);
                int cols = parse.GetValue(columns), nRows = parse.GetValue(rows);
                if (cols is < 1 or > 64) throw new ArgumentException($"--columns must be from 1 to 64, got {cols}");
                if (nRows is < 1 or > 64) throw new ArgumentException($"--rows must be from 1 to 64, got {nRows}");
                using var top = StyleMixing.Ws(g, cols, seedA, truncation);
                using var side = StyleMixing.Ws(g, nRows, seedB, truncation);
                using var cells = StyleMixing.Grid(g, top, side, first, last);
                Directory.CreateDirectory(dir);
                var mixPng = ImageGrid.Save(cells, path, cols + 1);
                Console.WriteLine($"{path}: style mixing, layers {first}-{last} of {g.NumWs} ({g.LayerResolutions[first]}-{g.LayerResolutions[last]} px) from the top faces (seed {seedA}), the rest from the side faces (seed {seedB}), {mixPng.Width}x{mixPng.Height} px");
                return CliErrors.Ok;
            }
            if (gridAttribute is not null)
            {
                int z = parse.GetValue(columns);
                if (z <= 0) throw new ArgumentException("--columns must be positive");
                var labels = trainer.Labels ?? throw new ArgumentException("--grid needs a conditional checkpoint; this run was trained without labels (train with --conditional)");
                using var rows = AttributeGrid.Make(trainer.ConditionalSamplingGenerator!, labels, gridAttribute, z, s, trainer.ConditionPool);
                Directory.CreateDirectory(dir);
                var gridPng = ImageGrid.Save(rows, path, z);
                Console.WriteLine($"{path}: rows = values of '{labels[gridAttribute].Name}', {z} noise vectors per row, {gridPng.Width}x{gridPng.Height} px, seed {s}");
                return CliErrors.Ok;
            }
            var request = requested.Length > 0 ? trainer.Request(requested) : null;
            if (truncation != 1 && trainer.StyleSamplingGenerator is null)
                throw new ArgumentException($"--truncation needs a style checkpoint; this run's architecture is {trainer.Options.Model.Architecture}");
            using var images = trainer.StyleSamplingGenerator is { } sg && truncation != 1
                ? StyleMixing.Synthesize(sg, StyleMixing.Ws(sg, n, s, truncation))
                : trainer.Sample(n, request, s);
            Directory.CreateDirectory(dir);
            var png = ImageGrid.Save(images, path);
            Console.WriteLine($"{path}: {n} images{(request is null ? "" : $" with {request}")}, {png.Width}x{png.Height} px, seed {s}, from iteration {trainer.Iteration}");
            return CliErrors.Ok;
        });
        return command;
    }
}
