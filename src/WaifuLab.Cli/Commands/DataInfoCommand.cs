using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using WaifuLab.Data;

namespace WaifuLab.Cli.Commands;

/// <summary>
/// <c>waifulab data info DIR</c>: loads an image folder the way training will and says what it holds: counts, what was
/// skipped and why, the label columns with their value frequencies or ranges, and the decode cache's state.
/// </summary>
public static class DataInfoCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("DIR") { Description = "Folder of images (png, jpg, jpeg, webp, bmp; subfolders too), with an optional labels.csv." };
        var size = new Option<int>("--size") { Description = "Side in pixels images are cropped and resized to.", DefaultValueFactory = _ => 64 };
        var labels = new Option<string?>("--labels") { Description = "Labels CSV (default: DIR/labels.csv when present)." };
        var noLabels = new Option<bool>("--no-labels") { Description = "Ignore any labels file." };
        var dropUnlabelled = new Option<bool>("--drop-unlabelled") { Description = "Leave out images without a labels row instead of failing." };
        var noCache = new Option<bool>("--no-cache") { Description = "Decode every image; neither read nor write the cache." };
        var command = new Command("info", "Load an image folder and report its images, skipped files, labels and cache.")
        {
            dir, size, labels, noLabels, dropUnlabelled, noCache,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var options = new ImageFolderOptions
            {
                LabelsFile = parse.GetValue(labels),
                UseLabels = !parse.GetValue(noLabels),
                MissingLabels = parse.GetValue(dropUnlabelled) ? MissingLabelPolicy.Drop : MissingLabelPolicy.Error,
                UseCache = !parse.GetValue(noCache),
            };
            var watch = Stopwatch.StartNew();
            using var result = ImageFolder.Load(parse.GetValue(dir)!, parse.GetValue(size), options);
            watch.Stop();
            Write(output, result, watch.Elapsed);
            return CliErrors.Ok;
        });
        return command;
    }

    static void Write(TextWriter o, ImageFolderResult result, TimeSpan elapsed)
    {
        var ci = CultureInfo.InvariantCulture;
        var r = result.Report;
        var d = result.Dataset;
        o.WriteLine($"folder     {d.Source}");
        o.WriteLine($"images     {r.Found} found, {r.Loaded} loaded, {r.SkippedCorrupt.Count} corrupt, {r.SkippedUnlabelled.Count} unlabelled");
        if (r.SkippedCorrupt.Count > 0) o.WriteLine($"corrupt    {List(r.SkippedCorrupt)}");
        if (r.SkippedUnlabelled.Count > 0) o.WriteLine($"unlabelled {List(r.SkippedUnlabelled)}");
        double mib = (double)d.Count * 3 * d.Size * d.Size * 4 / (1 << 20);
        o.WriteLine(string.Create(ci, $"tensor     ({d.Count},3,{d.Size},{d.Size}) float32, {mib:0.0} MiB"));
        o.WriteLine(r.Cache switch
        {
            CacheOutcome.Hit => $"cache      hit: {r.CacheFile} ({FileMiB(r.CacheFile)})",
            CacheOutcome.Written => $"cache      written: {r.CacheFile} ({FileMiB(r.CacheFile)}){(r.CacheNote is null ? "" : $"; {r.CacheNote}")}",
            CacheOutcome.WriteFailed => $"cache      not written: {r.CacheNote}",
            _ => "cache      disabled",
        });
        o.WriteLine(string.Create(ci, $"time       {elapsed.TotalSeconds:0.00} s ({r.Loaded / Math.Max(elapsed.TotalSeconds, 1e-9):0} img/s)"));

        if (result.Schema is null || d.Conditions is null)
        {
            o.WriteLine("labels     none (unconditional); put a labels.csv beside the images for conditional training");
            return;
        }
        o.WriteLine($"labels     {result.Schema.Attributes.Count} columns, condition vector of {result.Schema.Width}");
        foreach (var s in AttributeStatistics.Compute(result.Schema, d.Conditions))
        {
            var a = s.Attribute;
            if (a.Kind == AttributeKind.Categorical)
                o.WriteLine($"  {a.Name} (categorical): " + string.Join(", ", s.Frequencies.Select(f =>
                    string.Create(ci, $"{f.Value} {f.Count} ({100.0 * f.Count / d.Count:0.#}%)"))));
            else
                o.WriteLine(string.Create(ci, $"  {a.Name} (continuous in [{a.Min:0.###}, {a.Max:0.###}]): min {s.Min:0.###}, mean {s.Mean:0.###}, max {s.Max:0.###}"));
        }
    }

    static string List(IReadOnlyList<string> files) =>
        string.Join(", ", files.Take(10)) + (files.Count > 10 ? $", ... and {files.Count - 10} more" : "");

    static string FileMiB(string? path) =>
        path is not null && File.Exists(path)
            ? string.Create(CultureInfo.InvariantCulture, $"{new FileInfo(path).Length / (double)(1 << 20):0.0} MiB")
            : "?";
}
