using System.CommandLine;
using System.Globalization;
using WaifuLab.Backend;
using WaifuLab.Data;
using WaifuLab.Training;
using static TorchSharp.torch;

namespace WaifuLab.Cli.Commands;

/// <summary><c>waifulab train</c>: trains a DCGAN from a preset into a run folder, or resumes one.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset") { Description = $"Named option set: {string.Join(", ", Presets.Names)}.", DefaultValueFactory = _ => "quick" };
        var data = new Option<string?>("--data") { Description = "Folder of training images (searched recursively; labels.csv beside them is read). Default: the built-in synthetic faces, drawn into data/ on first use." };
        var output = new Option<string?>("--out") { Description = "Run folder to create (default runs/PRESET-TIMESTAMP-PID)." };
        var epochs = new Option<int?>("--epochs") { Description = "Number of epochs (overrides the preset)." };
        var maxIterations = new Option<int?>("--max-iterations") { Description = "Stop after this many iterations in total." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Images per batch." };
        var lrG = new Option<double?>("--lr-g") { Description = "Generator learning rate (Adam)." };
        var lrD = new Option<double?>("--lr-d") { Description = "Discriminator learning rate (Adam)." };
        var seed = new Option<long?>("--seed") { Description = "Seed of every random draw of the run." };
        var device = new Option<ComputeDevice?>("--device") { Description = "auto (CUDA when present), cpu or cuda." };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for libtorch (default: one per core)." };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this folder from its last checkpoint." };
        var evalEvery = new Option<int?>("--eval-every") { Description = "Score FID/KID (500 samples) every K epochs into RUN/metrics.jsonl; needs labelled data (see `waifulab eval`)." };
        var conditional = new Option<bool>("--conditional") { Description = "Train a conditional GAN on the data's labels (labels.csv; the built-in faces have them), to sample by attribute." };
        var conditioning = new Option<string?>("--conditioning") { Description = "How D sees the labels: projection (default), acgan, concat or projection-ac (projection plus an AC-GAN attribute head). Implies --conditional." };
        conditioning.AcceptOnlyFromAmong("projection", "acgan", "concat", "projection-ac");
        var cbn = new Option<bool?>("--conditional-batchnorm") { Description = "Conditional runs: condition every BatchNorm of G on the labels too, not only its input (cgan presets: on; --conditional-batchnorm false turns it off)." };
        var auxWeight = new Option<double?>("--aux-weight") { Description = "Conditional runs with acgan or projection-ac: weight of the attribute loss (default 1)." };
        var modeSeeking = new Option<double?>("--mode-seeking") { Description = "Conditional runs: weight of MSGAN's mode-seeking term in G's loss, against G drawing the same face for every z (default 0: off; MSGAN uses 1)." };
        var ema = new Option<double?>("--ema") { Description = "Decay of a moving average of G's weights that sampling and evaluation use, e.g. 0.999 (default: off; conditional runs and unconditional ones alike)." };
        var checkpointEvery = new Option<int?>("--checkpoint-every") { Description = "Also checkpoint every N iterations, so a crash or kill loses little (default 250, ~100 s at quick; 0: at epoch ends only)." };
        var logEvery = new Option<int>("--log-every") { Description = "Print a progress line every N iterations.", DefaultValueFactory = _ => 50 };

        var command = new Command("train", "Train a DCGAN on a folder of images; writes options, history, sample grids and checkpoints to a run folder.")
        {
            preset, data, output, epochs, maxIterations, batchSize, lrG, lrD, seed, device, threads, resume, logEvery, evalEvery, checkpointEvery,
            conditional, conditioning, cbn, auxWeight, modeSeeking, ema,
        };
        command.SetAction(parse =>
        {
            TorchBackend.EnsureLoaded();
            int every = parse.GetValue(logEvery);
            TrainOptions Adjust(TrainOptions o) => WithEma(o with
            {
                Epochs = parse.GetValue(epochs) ?? o.Epochs,
                MaxIterations = parse.GetValue(maxIterations) ?? o.MaxIterations,
                BatchSize = parse.GetValue(batchSize) ?? o.BatchSize,
                LrG = parse.GetValue(lrG) ?? o.LrG,
                LrD = parse.GetValue(lrD) ?? o.LrD,
                Seed = parse.GetValue(seed) ?? o.Seed,
                Device = parse.GetValue(device) ?? o.Device,
                Threads = parse.GetValue(threads) ?? o.Threads,
                CheckpointEvery = parse.GetValue(checkpointEvery) ?? o.CheckpointEvery,
                Conditioning = ConditioningFlag(parse.GetValue(conditional), parse.GetValue(conditioning), o.Conditioning),
                ConditionalBatchNorm = parse.GetValue(cbn) ?? o.ConditionalBatchNorm,
                AuxWeight = parse.GetValue(auxWeight) ?? o.AuxWeight,
                ModeSeekingWeight = parse.GetValue(modeSeeking) ?? o.ModeSeekingWeight,
            }, parse.GetValue(ema));

            // Load the data before creating anything, so a bad --data leaves no half-made run folder behind.
            var resumeFolder = parse.GetValue(resume);
            string name = parse.GetValue(preset)!;
            TrainOptions? fresh = resumeFolder is null ? Adjust(Presets.Get(name)).Validate() : null;
            int imageSize = fresh?.Model.ImageSize ?? GanTrainer.ReadHeader(new RunFolder(resumeFolder!).LastCheckpoint).Options.Model.ImageSize;
            using var loaded = LoadData(parse.GetValue(data), imageSize);
            var dataset = loaded.Dataset;
            if (fresh?.Conditioning is not null && loaded.Schema is null)
                throw new ArgumentException("this dataset has no labels.csv; conditional training needs one (see data/README.md)");
            using var scoring = TrainingEvalSession.Prepare(loaded, parse.GetValue(evalEvery));

            GanTrainer trainer;
            if (fresh is null)
            {
                trainer = GanTrainer.Resume(resumeFolder!, Adjust);
                Console.WriteLine($"resuming {resumeFolder} at iteration {trainer.Iteration} (epoch {trainer.Epoch})");
            }
            else
            {
                // The process id makes default names unique among runs started in the same second (the lock refuses the rest).
                var folder = parse.GetValue(output) ?? Path.Combine("runs", $"{name}-{DateTime.Now:yyyyMMdd-HHmmss}-{Environment.ProcessId}");
                trainer = new GanTrainer(fresh, folder, loaded.Schema);
                Console.WriteLine(Presets.Describe(name));
            }
            using (trainer)
            {
                scoring?.Attach(trainer);
                var o = trainer.Options;
                if (trainer.Labels is { } labels)
                    Console.WriteLine($"conditional ({o.Conditioning}) on {string.Join(", ", labels.Attributes.Select(a => a.Name))}");
                // The trainer caps the batch at the data's size: say the batch it really uses.
                var batchText = o.BatchSize > dataset.Count ? $"batch {dataset.Count} (asked {o.BatchSize}; the data has {dataset.Count} images)" : $"batch {o.BatchSize}";
                Console.WriteLine($"run {trainer.Folder.Root}: {dataset.Count} images from {dataset.Source}, {o.Model.ImageSize} px, " +
                                  $"ngf {o.Model.Ngf}, ndf {o.Model.Ndf}, {batchText}, {o.Epochs} epochs, device {trainer.Device}, threads {get_num_threads()}");

                using var stop = new StopSignals(Console.Error);
                trainer.Train(dataset, new TrainProgressPrinter(Console.Out, every), stop.Token);
                Console.WriteLine($"done: {trainer.Iteration} iterations; samples {trainer.Folder.Final}, checkpoint {trainer.LastCheckpoint}");
            }
            return CliErrors.Ok;
        });
        return command;
    }

    /// <summary>--conditional / --conditioning NAME on top of the preset's (or resumed run's) conditioning.</summary>
    internal static WaifuLab.Conditional.ConditioningMode? ConditioningFlag(bool conditional, string? name, WaifuLab.Conditional.ConditioningMode? current) =>
        name?.ToLowerInvariant() switch
        {
            "projection" => WaifuLab.Conditional.ConditioningMode.Projection,
            "acgan" => WaifuLab.Conditional.ConditioningMode.AuxiliaryClassifier,
            "concat" => WaifuLab.Conditional.ConditioningMode.Concat,
            "projection-ac" => WaifuLab.Conditional.ConditioningMode.ProjectionClassifier,
            null => conditional ? current ?? WaifuLab.Conditional.ConditioningMode.Projection : current,
            _ => throw new ArgumentException($"unknown conditioning '{name}': use projection, acgan, concat or projection-ac"),
        };

    /// <summary>
    /// --ema for either kind of run: a conditional run averages G itself (<see cref="TrainOptions.EmaBeta"/>), an
    /// unconditional one through its stabilised update (plain DCGAN losses unless other stabilisers are set).
    /// </summary>
    internal static TrainOptions WithEma(TrainOptions o, double? beta) => beta switch
    {
        null => o,
        _ when o.Conditioning is not null => o with { EmaBeta = beta.Value },
        0 when o.Stabilizers is null => o,
        _ => o with { Stabilizers = (o.Stabilizers ?? new WaifuLab.Stabilizers.StabilizerOptions()) with { EmaBeta = beta.Value } },
    };

    /// <summary>
    /// The one place the CLI gets training data from: the folder given with --data (its labels.csv too, when there is
    /// one), or the built-in synthetic faces drawn into data/ on first use.
    /// </summary>
    internal static ImageFolderResult LoadData(string? dataDir, int imageSize) => Datasets.Load(dataDir, imageSize, log: Console.Out);
}
