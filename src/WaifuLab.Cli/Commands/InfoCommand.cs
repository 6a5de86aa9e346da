using System.CommandLine;
using TorchSharp;
using WaifuLab.Backend;

namespace WaifuLab.Cli.Commands;

/// <summary><c>waifulab info</c>: versions, backend, device and threads; the first thing to run on a new machine.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show versions, the TorchSharp backend, device and thread count.");
        command.SetAction(_ =>
        {
            var report = TorchBackend.EnsureLoaded();
            Console.WriteLine($"WaifuLab      {typeof(TorchBackend).Assembly.GetName().Version}");
            Console.WriteLine($".NET          {Environment.Version}");
            Console.WriteLine($"TorchSharp    {typeof(torch).Assembly.GetName().Version}");
            Console.WriteLine($"native        {report.NativeLibrary ?? "(resolved by the runtime)"}");
            Console.WriteLine($"libstdc++ fix {report.Compat}");
            Console.WriteLine($"malloc        {report.Heap} ({NativeHeap.Variable}=off for glibc's defaults)");
            Console.WriteLine($"oneDNN        {report.OneDnn} ({OneDnn.Variable}=on|off|auto)");
            Console.WriteLine($"CUDA          {(report.CudaAvailable ? "available" : "not available")}");
            Console.WriteLine($"device        {TorchBackend.Resolve(ComputeDevice.Auto)}");
            Console.WriteLine($"threads       {torch.get_num_threads()}");
            return CliErrors.Ok;
        });
        return command;
    }
}
