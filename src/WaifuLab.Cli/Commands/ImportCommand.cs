using System.CommandLine;
using WaifuLab.Interop;

namespace WaifuLab.Cli.Commands;

/// <summary><c>waifulab import</c>: a generator trained with pytorch/examples' DCGAN as a WaifuLab checkpoint.</summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "A state_dict saved by PyTorch (torch.save(netG.state_dict(), FILE), e.g. main.py's netG_epoch_24.pth) or safetensors.", Required = true };
        var arch = new Option<string>("--arch") { Description = "The architecture of the weights: dcgan (pytorch/examples dcgan/main.py's Generator).", DefaultValueFactory = _ => "dcgan" };
        var output = new Option<string>("--out") { Description = "The checkpoint to write, e.g. runs/imported/checkpoints/last.ckpt.", Required = true };
        var command = new Command("import", "Turn a PyTorch DCGAN generator (pytorch/examples) into a WaifuLab checkpoint for sample and eval.")
        {
            from, arch, output,
        };
        command.SetAction(parse =>
        {
            var a = parse.GetValue(arch)!.Trim().ToLowerInvariant();
            if (a != "dcgan") throw new ArgumentException($"unknown --arch '{a}': import reads dcgan (pytorch/examples dcgan/main.py's Generator)");
            var outPath = parse.GetValue(output)!;
            if (File.Exists(outPath)) throw new ArgumentException($"{outPath} already exists: choose another --out or delete it first (import never overwrites)");
            var model = PyTorchImport.ToCheckpoint(parse.GetValue(from)!, outPath);
            Console.WriteLine($"{outPath}: unconditional DCGAN generator, {model.ImageSize} px, nz {model.Nz}, ngf {model.Ngf}" +
                (model.ExtraBlocks > 0 ? $", {model.ExtraBlocks} extra blocks per stage" : "") +
                "; D freshly initialised. Use it with sample and eval (project needs a conditional generator, which main.py has not).");
            return CliErrors.Ok;
        });
        return command;
    }
}
