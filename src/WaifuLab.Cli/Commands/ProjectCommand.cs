using System.CommandLine;
using System.Globalization;
using System.Text;
using Plotly.NET;
using WaifuLab.Backend;
using WaifuLab.Conditional;
using WaifuLab.Data;
using WaifuLab.Evaluation;
using WaifuLab.Imaging;
using WaifuLab.Projection;
using WaifuLab.Training;
using static TorchSharp.torch;

namespace WaifuLab.Cli.Commands;

/// <summary>
/// <c>waifulab project</c>: finds where a face image lives in a conditional checkpoint's generator (z and c), writes the
/// reconstruction, the optimisation curve, the projection (to edit later) and a grid of edits of the projected face.
/// </summary>
public static class ProjectCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A conditional checkpoint, e.g. runs/NAME/checkpoints/last.ckpt.", Required = true };
        var image = new Option<string>("--image") { Description = "The face to project (PNG, JPEG, WebP or BMP); center-cropped and resized to the generator's size.", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for target.png, reconstruction.png, curve.csv, curve.html, projection.json and edits.png.", Required = true };
        var steps = new Option<int>("--steps") { Description = "Optimisation steps.", DefaultValueFactory = _ => 300 };
        var restarts = new Option<int>("--restarts") { Description = "Searches from different random z (run as one batch); the best is kept.", DefaultValueFactory = _ => 4 };
        var seed = new Option<long>("--seed") { Description = "Seed of the restarts' starting z and the schedule's noise.", DefaultValueFactory = _ => 1 };
        var noFeatures = new Option<bool>("--no-features") { Description = "Pixel loss only: no classifier (faster; no feature distance, c starts from the data's mean condition)." };
        var edits = new Option<string[]>("--edit") { Description = "Extra edits of the projected face for edits.png, e.g. --edit hair=white --edit mouth=0.9 (repeatable)." };
        var cache = new Option<string?>("--classifier-cache") { Description = "Folder of cached classifiers (default: data/.classifiers at the repository root)." };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for libtorch (default: one per core)." };
        var space = new Option<string>("--space") { Description = "Style checkpoints: project into w (one w for all layers) or w+ (one w per layer).", DefaultValueFactory = _ => "w+" };
        space.AcceptOnlyFromAmong("w", "w+");
        var command = new Command("project", "Project a face image into a conditional generator (recover z and c), then edit its attributes; or into a style generator's W or W+.")
        {
            checkpoint, image, output, steps, restarts, seed, noFeatures, edits, cache, threads, space,
        };
        command.SetAction(parse =>
        {
            TorchBackend.EnsureLoaded();
            if (parse.GetValue(threads) is int t) TorchBackend.SetThreads(t);
            var options = new ProjectionOptions { Steps = parse.GetValue(steps), Restarts = parse.GetValue(restarts), Seed = parse.GetValue(seed) };
            options.Validate();
            if (GanTrainer.ReadHeader(parse.GetValue(checkpoint)!).Options.Model.Architecture == WaifuLab.Models.ModelFactory.Style)
            {
                if ((parse.GetValue(edits) ?? []).Length > 0) throw new ArgumentException("--edit needs a conditional checkpoint; a style run has no attributes to edit");
                return RunStyle(parse.GetValue(checkpoint)!, parse.GetValue(image)!, parse.GetValue(output)!, options with { Lr = 0.1 },
                    parse.GetValue(space) == "w+", !parse.GetValue(noFeatures), parse.GetValue(cache));
            }
            return Run(parse.GetValue(checkpoint)!, parse.GetValue(image)!, parse.GetValue(output)!, options,
                !parse.GetValue(noFeatures), parse.GetValue(edits) ?? [], parse.GetValue(cache));
        });
        return command;
    }

    static int Run(string ckpt, string imagePath, string outDir, ProjectionOptions options, bool useFeatures, string[] edits, string? cacheDir)
    {
        // Cheap refusals first: the header says whether the run is conditional before the weights are read.
        var header = GanTrainer.ReadHeader(ckpt);
        if (header.Labels is null || header.Options.Conditioning is null)
            throw new ArgumentException($"{ckpt} is an unconditional checkpoint: projection needs a conditional checkpoint (train --conditional)");
        int size = header.Options.Model.ImageSize;
        using var target = ProjectionTarget.Load(imagePath, size);
        using var trainer = GanTrainer.Load(ckpt);
        var g = trainer.ConditionalSamplingGenerator ?? throw new ArgumentException("projection needs a conditional checkpoint (train --conditional)");
        var schema = trainer.Labels!;
        var requests = edits.Select(e => AttributeRequest.Parse(schema, e)).ToList(); // unknown attributes/values: ArgumentException, exit 2

        AttributeClassifier? classifier = null;
        try
        {
            if (useFeatures) classifier = Classifier(size, schema, cacheDir);
            if (classifier is null || !SameAttributes(classifier.Schema, schema))
            {
                // The classifier's prediction can only start c when it reads the generator's attributes; else the data's mean.
                options = options with { InitialCondition = Projector.MeanCondition(trainer.ConditionPool!) };
            }
            Console.WriteLine($"projecting {imagePath} ({size} px) into {ckpt}: {options.Steps} steps x {options.Restarts} restarts" +
                              (classifier is null ? ", pixel loss only" : $", pixel + {options.FeatureWeight} x feature loss"));
            using var result = Projector.Project(g, target, options, classifier);
            Write(g, schema, target, result, requests, outDir);
            Console.WriteLine($"PSNR {result.Psnr:0.00} dB, pixel MSE {result.PixelMse:0.00000}" +
                              (double.IsNaN(result.FeatureDistance) ? "" : $", feature distance {result.FeatureDistance:0.0000}") +
                              $", restart {result.BestRestart} kept, {result.Elapsed.TotalSeconds:0.0} s");
            Console.WriteLine($"attributes (G's reading): {string.Join(", ", result.Attributes.Select(kv => $"{kv.Key}={kv.Value}"))}");
            if (result.Psnr < 20)
                Console.WriteLine("note: PSNR below 20 dB: G does not draw this face closely, so edits change a nearby face, not this one");
            return CliErrors.Ok;
        }
        finally
        {
            classifier?.Dispose();
        }
    }

    // A style checkpoint: W or W+ projection (StyleGAN2's projector lr 0.1), target, reconstruction and the curve.
    static int RunStyle(string ckpt, string imagePath, string outDir, ProjectionOptions options, bool wPlus, bool useFeatures, string? cacheDir)
    {
        int size = GanTrainer.ReadHeader(ckpt).Options.Model.ImageSize;
        using var target = ProjectionTarget.Load(imagePath, size);
        using var trainer = GanTrainer.Load(ckpt);
        var g = trainer.StyleSamplingGenerator!;
        using var classifier = useFeatures ? Classifier(size, null, cacheDir) : null;
        string name = wPlus ? "W+" : "W";
        Console.WriteLine($"projecting {imagePath} ({size} px) into {name} of {ckpt}: {options.Steps} steps x {options.Restarts} restarts" +
                          (classifier is null ? ", pixel loss only" : $", pixel + {options.FeatureWeight} x feature loss"));
        using var result = Projector.Project(g, target, wPlus, options, classifier);
        Directory.CreateDirectory(outDir);
        using var batch = target.reshape(1, 3, size, size);
        ImageGrid.Save(batch, Path.Combine(outDir, "target.png"), 1, padding: 0);
        ImageGrid.Save(result.Reconstruction, Path.Combine(outDir, "reconstruction.png"), 1, padding: 0);
        var csv = new StringBuilder("restart,step,loss,pixel_mse\n");
        foreach (var s in result.Curve)
            csv.Append(CultureInfo.InvariantCulture, $"{s.Restart},{s.Step},{s.Loss:R},{s.PixelMse:R}\n");
        WaifuLab.Training.AtomicFile.WriteAllText(Path.Combine(outDir, "curve.csv"), csv.ToString());
        Console.WriteLine($"{outDir}: target.png, reconstruction.png, curve.csv");
        Console.WriteLine($"{name}: PSNR {result.Psnr:0.00} dB, pixel MSE {result.PixelMse:0.00000}" +
                          (double.IsNaN(result.FeatureDistance) ? "" : $", feature distance {result.FeatureDistance:0.0000}") +
                          $", restart {result.BestRestart} kept, {result.Elapsed.TotalSeconds:0.0} s");
        return CliErrors.Ok;
    }

    static void Write(ConditionalGenerator g, LabelSchema schema, Tensor target, ProjectionResult result, List<AttributeRequest> requests, string outDir)
    {
        Directory.CreateDirectory(outDir);
        using var batch = target.reshape(1, 3, target.shape[^2], target.shape[^1]);
        ImageGrid.Save(batch, Path.Combine(outDir, "target.png"), 1, padding: 0);
        ImageGrid.Save(result.Reconstruction, Path.Combine(outDir, "reconstruction.png"), 1, padding: 0);

        var csv = new StringBuilder("restart,step,loss,pixel_mse\n");
        foreach (var s in result.Curve)
            csv.Append(CultureInfo.InvariantCulture, $"{s.Restart},{s.Step},{s.Loss:R},{s.PixelMse:R}\n");
        WaifuLab.Training.AtomicFile.WriteAllText(Path.Combine(outDir, "curve.csv"), csv.ToString());
        WaifuLab.Training.AtomicFile.WriteAllText(Path.Combine(outDir, "curve.html"), GenericChart.toEmbeddedHTML(ProjectionCharts.Curve(result)));
        ProjectionFile.Save(result, Path.Combine(outDir, "projection.json"));

        // edits.png: target, reconstruction and each --edit in the first row; one image per value of the grid attribute after.
        var gridAttribute = schema.Attributes.FirstOrDefault(a => a.Name.Equals("hair", StringComparison.OrdinalIgnoreCase))
                            ?? schema.Attributes.FirstOrDefault(a => a.Kind == AttributeKind.Categorical) ?? schema.Attributes[0];
        var parts = new List<Tensor> { batch.clone(), result.Reconstruction.clone() };
        foreach (var r in requests) parts.Add(Editor.Edit(g, result, r));
        using var gridRow = Editor.EditGrid(g, result, schema, gridAttribute.Name);
        int columns = (int)Math.Max(gridRow.shape[0], parts.Count);
        int pad = columns - parts.Count;
        if (pad > 0) parts.Add(ones(pad, 3, batch.shape[2], batch.shape[3])); // blank (white) cells finish the first row
        parts.Add(gridRow.clone());
        using var all = cat(parts, 0);
        parts.ForEach(p => p.Dispose());
        ImageGrid.Save(all, Path.Combine(outDir, "edits.png"), columns);
        Console.WriteLine($"{outDir}: target.png, reconstruction.png, curve.csv, curve.html, projection.json, edits.png " +
                          $"(row 1: target, reconstruction{string.Concat(requests.Select(r => $", {r}"))}; then one image per {gridAttribute.Name} value: " +
                          $"{string.Join(", ", gridAttribute.Kind == AttributeKind.Categorical ? gridAttribute.Values : ["min..max"])})");
    }

    /// <summary>The feature network: the cached classifier of the built-in faces at the generator's size, trained once when missing.</summary>
    static AttributeClassifier Classifier(int size, LabelSchema? generatorSchema, string? cacheDir)
    {
        cacheDir ??= EvalSetup.DefaultCacheDir();
        using var builtIn = Datasets.BuiltIn(size, log: Console.Out);
        var options = new AttributeClassifierOptions();
        var path = Path.Combine(cacheDir, $"classifier-{size}px-{ClassifierCache.Key(builtIn.Dataset, builtIn.Schema!, options)}.wlc");
        if (!File.Exists(path))
            Console.WriteLine($"classifier: none cached for {size} px; training one on the built-in faces now (once; minutes on a CPU; --no-features skips it)");
        var cached = EvalSetup.Classifier(builtIn, null, cacheDir, options, Console.Out);
        if (generatorSchema is not null && !SameAttributes(cached.Classifier.Schema, generatorSchema))
            Console.WriteLine("classifier: it reads the built-in faces' attributes, not this generator's; used for the feature loss only, c starts from the data's mean");
        return cached.Classifier;
    }

    static bool SameAttributes(LabelSchema a, LabelSchema b) =>
        a.Width == b.Width && a.Attributes.Select(x => x.Name).SequenceEqual(b.Attributes.Select(x => x.Name), StringComparer.OrdinalIgnoreCase);
}
