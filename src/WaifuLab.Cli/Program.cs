using System.CommandLine;
using WaifuLab.Cli;
using WaifuLab.Cli.Commands;

var root = new RootCommand("WaifuLab: GANs that draw anime faces, on TorchSharp.")
{
    InfoCommand.Create(),
    NotebookCommand.Create(),
};
return CliErrors.Run(root, args);
