using System.CommandLine;
using WaifuLab.Cli;
using WaifuLab.Cli.Commands;

var root = new RootCommand("WaifuLab: GANs that draw anime faces, on TorchSharp.")
{
    InfoCommand.Create(),
    new Command("data", "Inspect and prepare image datasets.") { DataInfoCommand.Create(), DataSynthCommand.Create() },
    StabilizersCommand.Create(),
    NotebookCommand.Create(),
    TrainCommand.Create(),
    SampleCommand.Create(),
    BenchCommand.Create(),
    EvalCommand.Create(),
    ProjectCommand.Create(),
    PlotCommand.Create(),
    ExportCommand.Create(),
    ImportCommand.Create(),
};
return CliErrors.Run(root, args);
