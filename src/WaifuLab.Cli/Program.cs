using System.CommandLine;
using WaifuLab.Cli;
using WaifuLab.Cli.Commands;

var root = new RootCommand("WaifuLab: GANs that draw anime faces, on TorchSharp.")
{
    InfoCommand.Create(),
    new Command("data", "Datasets: draw the built-in one, inspect a folder.") { DataSynthCommand.Create() },
};
return CliErrors.Run(root, args);
