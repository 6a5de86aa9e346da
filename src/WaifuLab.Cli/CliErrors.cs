using System.CommandLine;
using WaifuLab.Backend;

namespace WaifuLab.Cli;

/// <summary>Runs the command line and turns expected failures into one-line messages and exit codes, not stack traces.</summary>
public static class CliErrors
{
    public const int Ok = 0, Failed = 1, BadUsage = 2, Cancelled = 130;

    public static int Run(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return Cancelled;
        }
        catch (Exception e) when (IsUserFacing(e))
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return e is ArgumentException ? BadUsage : Failed;
        }
    }

    /// <summary>Errors whose message is written for the user (bad input, missing files, backend trouble).</summary>
    public static bool IsUserFacing(Exception e) => e is ArgumentException or IOException or InvalidDataException
        or UnauthorizedAccessException or TorchBackendException or InvalidOperationException or FormatException
        or NotSupportedException;
}
