using System.CommandLine;
using WaifuLab.Conditional;
using WaifuLab.Imaging;
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
        var command = new Command("sample", "Draw a grid of images from a trained generator (by attribute for conditional runs).")
        {
            checkpoint, count, seed, output, attrs, grid, columns,
        };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(count);
            if (n <= 0) throw new ArgumentException("--count must be positive");
            var requested = parse.GetValue(attrs) ?? [];
            var gridAttribute = parse.GetValue(grid);
            if (gridAttribute is not null && requested.Length > 0)
                throw new ArgumentException("--grid varies one attribute over all its values; use it without --attr");
            using var trainer = GanTrainer.Load(parse.GetValue(checkpoint)!);
            long s = parse.GetValue(seed) ?? Random.Shared.NextInt64(1, 1_000_000);
            var path = parse.GetValue(output)!;
            var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
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
            using var images = trainer.Sample(n, request, s);
            Directory.CreateDirectory(dir);
            var png = ImageGrid.Save(images, path);
            Console.WriteLine($"{path}: {n} images{(request is null ? "" : $" with {request}")}, {png.Width}x{png.Height} px, seed {s}, from iteration {trainer.Iteration}");
            return CliErrors.Ok;
        });
        return command;
    }
}
