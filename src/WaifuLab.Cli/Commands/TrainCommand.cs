using System.CommandLine;
using System.Globalization;
using WaifuLab.Backend;
using WaifuLab.Data;
using WaifuLab.Imaging;
using WaifuLab.Training;
using static TorchSharp.torch;

namespace WaifuLab.Cli.Commands;

/// <summary><c>waifulab train</c>: trains a DCGAN from a preset into a run folder, or resumes one.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset") { Description = $"Named option set: {string.Join(", ", Presets.Names)}.", DefaultValueFactory = _ => "quick" };
        var data = new Option<string?>("--data") { Description = "Folder of training images (PNG/JPEG, searched recursively)." };
        var output = new Option<string?>("--out") { Description = "Run folder to create (default runs/PRESET-TIMESTAMP)." };
        var epochs = new Option<int?>("--epochs") { Description = "Number of epochs (overrides the preset)." };
        var maxIterations = new Option<int?>("--max-iterations") { Description = "Stop after this many iterations in total." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Images per batch." };
        var lrG = new Option<double?>("--lr-g") { Description = "Generator learning rate (Adam)." };
        var lrD = new Option<double?>("--lr-d") { Description = "Discriminator learning rate (Adam)." };
        var seed = new Option<long?>("--seed") { Description = "Seed of every random draw of the run." };
        var device = new Option<ComputeDevice?>("--device") { Description = "auto (CUDA when present), cpu or cuda." };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for libtorch (default: one per core)." };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this folder from its last checkpoint." };
        var logEvery = new Option<int>("--log-every") { Description = "Print a progress line every N iterations.", DefaultValueFactory = _ => 50 };

        var command = new Command("train", "Train a DCGAN on a folder of images; writes options, history, sample grids and checkpoints to a run folder.")
        {
            preset, data, output, epochs, maxIterations, batchSize, lrG, lrD, seed, device, threads, resume, logEvery,
        };
        command.SetAction(parse =>
        {
            TorchBackend.EnsureLoaded();
            int every = parse.GetValue(logEvery);
            if (every <= 0) throw new ArgumentException("--log-every must be positive");
            TrainOptions Adjust(TrainOptions o) => o with
            {
                Epochs = parse.GetValue(epochs) ?? o.Epochs,
                MaxIterations = parse.GetValue(maxIterations) ?? o.MaxIterations,
                BatchSize = parse.GetValue(batchSize) ?? o.BatchSize,
                LrG = parse.GetValue(lrG) ?? o.LrG,
                LrD = parse.GetValue(lrD) ?? o.LrD,
                Seed = parse.GetValue(seed) ?? o.Seed,
                Device = parse.GetValue(device) ?? o.Device,
                Threads = parse.GetValue(threads) ?? o.Threads,
            };

            // Load the data before creating anything, so a bad --data leaves no half-made run folder behind.
            var resumeFolder = parse.GetValue(resume);
            string name = parse.GetValue(preset)!;
            TrainOptions? fresh = resumeFolder is null ? Adjust(Presets.Get(name)).Validate() : null;
            int imageSize = fresh?.Model.ImageSize ?? GanTrainer.ReadHeader(new RunFolder(resumeFolder!).LastCheckpoint).Options.Model.ImageSize;
            using var dataset = LoadData(parse.GetValue(data), imageSize);

            GanTrainer trainer;
            if (fresh is null)
            {
                trainer = GanTrainer.Resume(resumeFolder!, Adjust);
                Console.WriteLine($"resuming {resumeFolder} at iteration {trainer.Iteration} (epoch {trainer.Epoch})");
            }
            else
            {
                var folder = parse.GetValue(output) ?? Path.Combine("runs", $"{name}-{DateTime.Now:yyyyMMdd-HHmmss}");
                trainer = new GanTrainer(fresh, folder);
                Console.WriteLine(Presets.Describe(name));
            }
            using (trainer)
            {
                var o = trainer.Options;
                Console.WriteLine($"run {trainer.Folder.Root}: {dataset.Count} images from {dataset.Source}, {o.Model.ImageSize} px, " +
                                  $"ngf {o.Model.Ngf}, ndf {o.Model.Ndf}, batch {o.BatchSize}, {o.Epochs} epochs, device {trainer.Device}, threads {get_num_threads()}");

                using var cts = new CancellationTokenSource();
                ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); Console.Error.WriteLine("stopping after this iteration (checkpointing)..."); };
                Console.CancelKeyPress += onCancel;
                try
                {
                    var progress = new LineProgress(p =>
                    {
                        if (p.Step.Iteration % every == 0 || p.IterationInEpoch == p.IterationsPerEpoch || p.Step.Iteration == p.TotalIterations)
                            Console.WriteLine(FormatLine(p));
                    });
                    trainer.Train(dataset, progress, cts.Token);
                }
                finally
                {
                    Console.CancelKeyPress -= onCancel;
                }
                Console.WriteLine($"done: {trainer.Iteration} iterations; samples {trainer.Folder.Final}, checkpoint {trainer.LastCheckpoint}");
            }
            return CliErrors.Ok;
        });
        return command;
    }

    /// <summary>pytorch/examples dcgan's line: <c>[epoch/E][i/I] Loss_D: Loss_G: D(x): D(G(z)): before / after</c>, plus speed.</summary>
    public static string FormatLine(TrainProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"[{p.Step.Epoch}/{p.Epochs}][{p.IterationInEpoch}/{p.IterationsPerEpoch}] Loss_D: {p.Step.LossD:F4} Loss_G: {p.Step.LossG:F4} " +
        $"D(x): {p.Step.DReal:F4} D(G(z)): {p.Step.DFakeBefore:F4} / {p.Step.DFakeAfter:F4}  {p.Step.Milliseconds:F0} ms/it, ETA {p.Eta:hh\\:mm\\:ss}");

    /// <summary>
    /// The one place the CLI gets training data from. For now: a folder of PNG/JPEG files, centre-cropped and resized.
    /// (The lead wires the built-in synthetic dataset and the cached folder loader here at merge.)
    /// </summary>
    internal static ImageDataset LoadData(string? dataDir, int imageSize)
    {
        if (dataDir is null)
            throw new ArgumentException("no --data given: pass --data DIR, a folder of PNG or JPEG images");
        if (!Directory.Exists(dataDir))
            throw new DirectoryNotFoundException($"data folder not found: {dataDir}");
        var files = Directory.EnumerateFiles(dataDir, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".png" or ".jpg" or ".jpeg")
            .Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            throw new InvalidDataException($"no PNG or JPEG images in {dataDir}");
        var images = new List<Tensor>(files.Count);
        int skipped = 0;
        try
        {
            foreach (var file in files)
            {
                try
                {
                    using var image = TensorImage.Load(file);
                    images.Add(Fit(image, imageSize));
                }
                catch (InvalidDataException)
                {
                    skipped++;
                }
            }
            if (images.Count == 0) throw new InvalidDataException($"none of the {files.Count} images in {dataDir} could be decoded");
            if (skipped > 0) Console.Error.WriteLine($"skipped {skipped} unreadable file(s) in {dataDir}");
            return new ImageDataset(stack(images), source: dataDir);
        }
        finally
        {
            foreach (var t in images) t.Dispose();
        }
    }

    /// <summary>Centre-crops to a square and resizes to size x size (area averaging when shrinking).</summary>
    static Tensor Fit(Tensor image, int size)
    {
        using var scope = NewDisposeScope();
        long h = image.shape[1], w = image.shape[2], side = Math.Min(h, w);
        var square = image.narrow(1, (h - side) / 2, side).narrow(2, (w - side) / 2, side).unsqueeze(0);
        var mode = side >= size ? InterpolationMode.Area : InterpolationMode.Bilinear;
        var resized = side == size ? square : nn.functional.interpolate(square, [size, size], mode: mode,
            align_corners: mode == InterpolationMode.Bilinear ? false : null);
        return resized.squeeze(0).clamp(-1, 1).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Reports on the training thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    sealed class LineProgress(Action<TrainProgress> report) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value) => report(value);
    }
}
