using System.CommandLine;
using WaifuLab.Interop;
using WaifuLab.Training;

namespace WaifuLab.Cli.Commands;

/// <summary><c>waifulab export</c>: a checkpoint's G (and optionally D) as a PyTorch state_dict with pytorch/examples dcgan/main.py's names.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "An unconditional checkpoint, e.g. runs/NAME/checkpoints/last.ckpt.", Required = true };
        var format = new Option<string>("--format") { Description = "pt (torch.save's zip pickle: torch.load reads it) or safetensors.", DefaultValueFactory = _ => "pt" };
        var output = new Option<string>("--out") { Description = "File for G's state_dict, e.g. netG.pt.", Required = true };
        var ema = new Option<bool>("--ema") { Description = "Write the moving average of G's weights (runs trained with --ema), as sample and eval use it." };
        var dOut = new Option<string?>("--d-out") { Description = "Also write D's state_dict to this file (spectral norm folded into the weights)." };
        var command = new Command("export", "Write a checkpoint's generator (and discriminator) as a PyTorch state_dict that pytorch/examples' DCGAN loads with strict=True.")
        {
            checkpoint, format, output, ema, dOut,
        };
        command.SetAction(parse =>
        {
            var weightFormat = ParseFormat(parse.GetValue(format)!);
            var gPath = parse.GetValue(output)!;
            var dPath = parse.GetValue(dOut);
            if (dPath is not null && Path.GetFullPath(dPath) == Path.GetFullPath(gPath))
                throw new ArgumentException("--out and --d-out name the same file: give D its own file");
            foreach (var path in new[] { gPath, dPath }.OfType<string>())
                if (File.Exists(path)) throw new ArgumentException($"{path} already exists: choose another file or delete it first (export never overwrites)");
            using var trainer = GanTrainer.Load(parse.GetValue(checkpoint)!);
            int gCount = PyTorchExport.Generator(trainer, gPath, weightFormat, parse.GetValue(ema));
            var model = trainer.Options.Model;
            Console.WriteLine($"{gPath}: {(parse.GetValue(ema) ? "EMA of G" : "G")} at iteration {trainer.Iteration}, {gCount} tensors " +
                $"({model.ImageSize} px, nz {model.Nz}, ngf {model.Ngf}), keys main.0.weight ... as pytorch/examples dcgan/main.py");
            if (dPath is not null)
            {
                int dCount = PyTorchExport.Discriminator(trainer, dPath, weightFormat);
                Console.WriteLine($"{dPath}: D, {dCount} tensors (ndf {model.Ndf}); it outputs logits where main.py's ends in a Sigmoid");
            }
            Console.WriteLine(DcganStateDict.MainPyFlags(model) is { } flags
                ? $"main.py's models with {flags} load it: netG.load_state_dict(torch.load(\"{gPath}\"), strict=True)"
                : "main.py's models are 64 px without extra blocks: build the same nn.Sequential for this size (the keys follow main.py's scheme)");
            return CliErrors.Ok;
        });
        return command;
    }

    static WeightFormat ParseFormat(string value) => value.Trim().ToLowerInvariant() switch
    {
        "pt" or "pth" => WeightFormat.Pt,
        "safetensors" => WeightFormat.Safetensors,
        _ => throw new ArgumentException($"unknown --format '{value}': use pt or safetensors"),
    };
}
