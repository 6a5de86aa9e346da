using System.CommandLine;
using System.Runtime.InteropServices;
using WaifuLab.Backend;

namespace WaifuLab.Cli;

/// <summary>Runs the command line and turns expected failures into one-line messages and exit codes, not stack traces.</summary>
public static class CliErrors
{
    public const int Ok = 0, Failed = 1, BadUsage = 2, Cancelled = 130;

    public static int Run(RootCommand root, string[] args)
    {
        NumericRanges.Apply(root);
        StopSignals.ReportFileSizeLimitAsError();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // A usage error is one line and exit 2, as for bad values found later; the help is one flag away.
            Console.Error.WriteLine($"error: {Plain(parse.Errors[0].Message)} (see '{CommandPath(parse.CommandResult)} --help')");
            return BadUsage;
        }
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
            Console.Error.WriteLine($"error: {Message(e)}");
            // A path the user named that is not there is a usage error too, as a bad number is.
            return e is ArgumentException or FileNotFoundException or DirectoryNotFoundException ? BadUsage : Failed;
        }
    }

    /// <summary>Errors whose message is written for the user (bad input, missing files, backend trouble).</summary>
    public static bool IsUserFacing(Exception e) => e is ArgumentException or IOException or InvalidDataException
        or UnauthorizedAccessException or TorchBackendException or InvalidOperationException or FormatException
        or NotSupportedException or ExternalException;

    /// <summary>
    /// The message for the user on one line, without what .NET appends for programmers: " (Parameter 'x')" and
    /// "Actual value was ..." of argument exceptions.
    /// </summary>
    public static string Message(Exception e)
    {
        var message = e.Message;
        if (e is ArgumentException { ParamName: { } name })
            message = message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal);
        if (e is ArgumentOutOfRangeException { ActualValue: { } actual })
            message = message.Replace($"Actual value was {actual}.", "", StringComparison.Ordinal);
        if (e is ExternalException) message = $"libtorch failed: {message}";
        return OneLine(message);
    }

    /// <summary>A parse error without .NET type names: "expected type 'System.Nullable`1[System.Int32]'" says "a whole number".</summary>
    static string Plain(string parseError) => System.Text.RegularExpressions.Regex.Replace(OneLine(parseError),
        @"as expected type '(System\.Nullable`1\[)?System\.(\w+)\]?'\.?", m => m.Groups[2].Value switch
        {
            "Int32" or "Int64" => "as a whole number",
            "Double" or "Single" => "as a number",
            "Boolean" => "as true or false",
            var other => $"as {other}",
        });

    static string OneLine(string text) => string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    static string CommandPath(System.CommandLine.Parsing.CommandResult? result)
    {
        var names = new List<string>();
        for (; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            if (result.Command is not RootCommand) names.Insert(0, result.Command.Name);
        return string.Join(' ', names.Prepend("waifulab"));
    }
}
