using System.CommandLine;
using WaifuLab.Cli;
using WaifuLab.Cli.Commands;

var root = new RootCommand("WaifuLab: GANs that draw anime faces, on TorchSharp.")
{
    InfoCommand.Create(),
    TrainCommand.Create(),
    SampleCommand.Create(),
    BenchCommand.Create(),
};
return CliErrors.Run(root, args);
