using System.CommandLine;
using System.Globalization;
using WaifuLab.Backend;
using WaifuLab.Conditional;
using WaifuLab.Data;
using WaifuLab.Stabilizers;
using WaifuLab.Training;
using static TorchSharp.torch;

namespace WaifuLab.Cli.Commands;

/// <summary>
/// <c>waifulab train</c>: trains a GAN from a preset (unconditional or, with --conditional, on the data's labels) into a
/// run folder, or resumes one; every term of the objective and a named remedy set are options.
/// </summary>
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
        var beta1 = new Option<double?>("--beta1") { Description = "Adam's beta1 for G and D (DCGAN: 0.5; SNGAN, BigGAN and StyleGAN2: 0)." };
        var beta2 = new Option<double?>("--beta2") { Description = "Adam's beta2 for G and D (DCGAN: 0.999; StyleGAN2: 0.99)." };
        var seed = new Option<long?>("--seed") { Description = "Seed of every random draw of the run." };
        var device = new Option<ComputeDevice?>("--device") { Description = "auto (CUDA when present), cpu or cuda." };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for libtorch (default: one per core)." };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this folder from its last checkpoint." };
        var evalEvery = new Option<int?>("--eval-every") { Description = "Score FID/KID (500 samples) every K epochs into RUN/metrics.jsonl; needs labelled data (see `waifulab eval`)." };
        var conditional = new Option<bool>("--conditional") { Description = "Train a conditional GAN on the data's labels (labels.csv; the built-in faces have them), to sample by attribute." };
        var conditioning = new Option<string?>("--conditioning") { Description = "How D sees the labels: projection (default), acgan, concat or projection-ac (projection plus an AC-GAN attribute head). Implies --conditional." };
        conditioning.AcceptOnlyFromAmong([.. WaifuLab.Conditional.ConditioningNames.All]);
        var cbn = new Option<bool?>("--conditional-batchnorm") { Description = "Conditional runs: condition every BatchNorm of G on the labels too, not only its input (cgan presets: on; --conditional-batchnorm false turns it off)." };
        var auxWeight = new Option<double?>("--aux-weight") { Description = "Conditional runs with acgan or projection-ac: weight of the attribute loss (default 1)." };
        var modeSeeking = new Option<double?>("--mode-seeking") { Description = "Conditional runs: weight of MSGAN's mode-seeking term in G's loss, against G drawing the same face for every z (default 0: off; MSGAN uses 1)." };
        var ema = new Option<double?>("--ema") { Description = "Decay of a moving average of G's weights that sampling and evaluation use, e.g. 0.999 (default: off; conditional runs and unconditional ones alike)." };
        var checkpointEvery = new Option<int?>("--checkpoint-every") { Description = "Also checkpoint every N iterations, so a crash or kill loses little (default 250, ~100 s at quick; 0: at epoch ends only)." };
        // The objective's terms: every remedy for every kind of run. A remedy set first, then single terms on top.
        var remedies = new Option<string?>("--remedies") { Description = $"A named remedy set applied to the preset before the single options below: {string.Join(", ", Remedies.Names)} (recommended = hinge + spectral norm + DiffAugment + EMA 0.999)." };
        remedies.AcceptOnlyFromAmong([.. Remedies.Names]);
        var loss = new Option<string?>("--loss") { Description = "Adversarial loss: non-saturating (DCGAN's, default), saturating or hinge." };
        loss.AcceptOnlyFromAmong("non-saturating", "saturating", "hinge");
        var labelSmoothing = new Option<bool?>("--label-smoothing") { Description = "One-sided label smoothing: D's target for real images 0.9 (BCE losses only)." };
        var instanceNoise = new Option<double?>("--instance-noise") { Description = "Gaussian noise of this sigma on D's inputs, annealed to 0 over --instance-noise-iterations (e.g. 0.1; default 0: off)." };
        var instanceNoiseIterations = new Option<int?>("--instance-noise-iterations") { Description = "Iterations over which the instance noise anneals to 0 (default 1000)." };
        var diffAugment = new Option<bool?>("--diffaugment") { Description = "DiffAugment (color, translation, cutout) on every image D sees, real and fake." };
        var diffAugmentPolicy = new Option<string?>("--diffaugment-policy") { Description = "DiffAugment with a chosen policy, e.g. translation,cutout (implies --diffaugment)." };
        var r1 = new Option<double?>("--r1") { Description = "R1 penalty weight gamma on D's gradient at real images, e.g. 10 (default 0: off)." };
        var r1Every = new Option<int?>("--r1-every") { Description = "Lazy R1: apply it every K iterations, weighted by K (default 1: every step)." };
        var dSteps = new Option<int?>("--d-steps") { Description = "D updates per iteration (default 1)." };
        var gSteps = new Option<int?>("--g-steps") { Description = "G updates per iteration (default 1)." };
        var spectralNorm = new Option<bool?>("--spectral-norm") { Description = "Spectral normalisation of every layer of D." };
        var dominance = new Option<bool?>("--dominance") { Description = "Record D's accuracies and gradient norms per iteration and warn when D dominates (history columns d_acc_*, grad_norm_*, dominated)." };
        var logEvery = new Option<int>("--log-every") { Description = "Print a progress line every N iterations.", DefaultValueFactory = _ => 50 };

        var command = new Command("train", "Train a DCGAN on a folder of images; writes options, history, sample grids and checkpoints to a run folder.")
        {
            preset, data, output, epochs, maxIterations, batchSize, lrG, lrD, beta1, beta2, seed, device, threads, resume, logEvery, evalEvery, checkpointEvery,
            conditional, conditioning, cbn, auxWeight, modeSeeking, ema,
            remedies, loss, labelSmoothing, instanceNoise, instanceNoiseIterations, diffAugment, diffAugmentPolicy, r1, r1Every,
            dSteps, gSteps, spectralNorm, dominance,
        };
        command.SetAction(parse =>
        {
            TorchBackend.EnsureLoaded();
            int every = parse.GetValue(logEvery);
            TrainOptions Adjust(TrainOptions preset)
            {
                var o = parse.GetValue(remedies) is { } set ? Remedies.Get(set)(preset) : preset;
                var objective = o.Objective;
                return o with
                {
                    Epochs = parse.GetValue(epochs) ?? o.Epochs,
                    MaxIterations = parse.GetValue(maxIterations) ?? o.MaxIterations,
                    BatchSize = parse.GetValue(batchSize) ?? o.BatchSize,
                    LrG = parse.GetValue(lrG) ?? o.LrG,
                    LrD = parse.GetValue(lrD) ?? o.LrD,
                    Beta1 = parse.GetValue(beta1) ?? o.Beta1,
                    Beta2 = parse.GetValue(beta2) ?? o.Beta2,
                    Seed = parse.GetValue(seed) ?? o.Seed,
                    Device = parse.GetValue(device) ?? o.Device,
                    Threads = parse.GetValue(threads) ?? o.Threads,
                    CheckpointEvery = parse.GetValue(checkpointEvery) ?? o.CheckpointEvery,
                    Conditioning = ConditioningFlag(parse.GetValue(conditional), parse.GetValue(conditioning), o.Conditioning),
                    ConditionalBatchNorm = parse.GetValue(cbn) ?? o.ConditionalBatchNorm,
                    EmaBeta = parse.GetValue(ema) ?? o.EmaBeta,
                    Model = o.Model with { SpectralNorm = parse.GetValue(spectralNorm) ?? o.Model.SpectralNorm },
                    Dominance = parse.GetValue(dominance) switch { true => o.Dominance ?? new(), false => null, null => o.Dominance },
                    Objective = objective with
                    {
                        Loss = parse.GetValue(loss) is { } kind ? LossKind(kind) : objective.Loss,
                        LabelSmoothing = parse.GetValue(labelSmoothing) ?? objective.LabelSmoothing,
                        InstanceNoiseSigma0 = parse.GetValue(instanceNoise) ?? objective.InstanceNoiseSigma0,
                        InstanceNoiseAnnealIterations = parse.GetValue(instanceNoiseIterations) ?? objective.InstanceNoiseAnnealIterations,
                        DiffAugmentPolicy = parse.GetValue(diffAugmentPolicy)
                            ?? (parse.GetValue(diffAugment) switch { true => DiffAugment.FullPolicy, false => "", null => objective.DiffAugmentPolicy }),
                        R1Gamma = parse.GetValue(r1) ?? objective.R1Gamma,
                        R1Every = parse.GetValue(r1Every) ?? objective.R1Every,
                        DSteps = parse.GetValue(dSteps) ?? objective.DSteps,
                        GSteps = parse.GetValue(gSteps) ?? objective.GSteps,
                        AuxWeight = parse.GetValue(auxWeight) ?? objective.AuxWeight,
                        ModeSeekingWeight = parse.GetValue(modeSeeking) ?? objective.ModeSeekingWeight,
                    },
                };
            }

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
                Console.WriteLine($"objective: {o.Objective}; spectral norm on D: {(o.Model.SpectralNorm ? "yes" : "no")}; EMA of G: {(o.EmaBeta > 0 ? o.EmaBeta.ToString(CultureInfo.InvariantCulture) : "off")}; lr G {o.LrG.ToString(CultureInfo.InvariantCulture)}, D {o.LrD.ToString(CultureInfo.InvariantCulture)}; Adam betas {o.Beta1.ToString(CultureInfo.InvariantCulture)}, {o.Beta2.ToString(CultureInfo.InvariantCulture)}");
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
    internal static ConditioningMode? ConditioningFlag(bool conditional, string? name, ConditioningMode? current) =>
        name is not null ? ConditioningNames.Parse(name) : conditional ? current ?? ConditioningMode.Projection : current;

    static GanLossKind LossKind(string name) => name switch
    {
        "non-saturating" => GanLossKind.NonSaturating,
        "saturating" => GanLossKind.Saturating,
        "hinge" => GanLossKind.Hinge,
        _ => throw new ArgumentException($"unknown loss '{name}': use non-saturating, saturating or hinge"),
    };

    /// <summary>
    /// The one place the CLI gets training data from: the folder given with --data (its labels.csv too, when there is
    /// one), or the built-in synthetic faces drawn into data/ on first use.
    /// </summary>
    internal static ImageFolderResult LoadData(string? dataDir, int imageSize) => Datasets.Load(dataDir, imageSize, log: Console.Out);
}
