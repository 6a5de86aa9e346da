using System.CommandLine;
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
        var command = new Command("sample", "Draw a grid of images from a trained generator.") { checkpoint, count, seed, output };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(count);
            if (n <= 0) throw new ArgumentException("--count must be positive");
            using var trainer = GanTrainer.Load(parse.GetValue(checkpoint)!);
            long s = parse.GetValue(seed) ?? Random.Shared.NextInt64(1, 1_000_000);
            using var images = trainer.Sample(n, s);
            var path = parse.GetValue(output)!;
            var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
            Directory.CreateDirectory(dir);
            var png = ImageGrid.Save(images, path);
            Console.WriteLine($"{path}: {n} images, {png.Width}x{png.Height} px, seed {s}, from iteration {trainer.Iteration}");
            return CliErrors.Ok;
        });
        return command;
    }
}
