using System.CommandLine;
using System.Globalization;
using System.Text;
using WaifuLab.Backend;
using WaifuLab.Data;
using WaifuLab.Data.Synthetic;
using WaifuLab.Evaluation;
using WaifuLab.Stabilizers;
using WaifuLab.Training;

namespace WaifuLab.Cli.Commands;

/// <summary>
/// <c>waifulab stabilizers</c>: the D-dominance ablation on the real trainer and its objective. The DCGAN pair (G of width
/// --ngf, D --d-width times wider with --d-lr-boost times G's learning rate: a D that wins) trains on the built-in
/// faces (or --data) once per remedy set (<see cref="WaifuLab.Training.Remedies"/>) with the same seed and budget; prints the share of iterations the
/// trainer flagged as dominated (dom, and by D's accuracy, dom(acc)), the final balance, FID/KID (classifier features,
/// few samples: compare presets with each other, not with published numbers) and the cost. Writes each run folder,
/// ablation.csv and &lt;preset&gt;.png grids under --out.
/// </summary>
public static class StabilizersCommand
{
    public static Command Create()
    {
        var presets = new Option<string>("--presets") { Description = $"Comma-separated remedy sets ({string.Join(", ", WaifuLab.Training.Remedies.Names)}), or 'all'.", DefaultValueFactory = _ => "all" };
        var iterations = new Option<int>("--iterations") { Description = "Iterations per preset.", DefaultValueFactory = _ => 300 };
        var batch = new Option<int>("--batch") { Description = "Batch size.", DefaultValueFactory = _ => 32 };
        var size = new Option<int>("--size") { Description = "Image side in pixels (32, 64, 128, 256).", DefaultValueFactory = _ => 32 };
        var data = new Option<string?>("--data") { Description = "Image folder; default: the built-in synthetic faces." };
        var images = new Option<int>("--images") { Description = "Built-in faces to use (few images make D memorise).", DefaultValueFactory = _ => 2000 };
        var ngf = new Option<int>("--ngf") { Description = "G's width.", DefaultValueFactory = _ => 16 };
        var dWidth = new Option<int>("--d-width") { Description = "D's width as a multiple of G's.", DefaultValueFactory = _ => 4 };
        var extra = new Option<int>("--extra-blocks") { Description = "Extra 3x3 blocks per stage (the deeper variant).", DefaultValueFactory = _ => 0 };
        var boost = new Option<double>("--d-lr-boost") { Description = "Factor on D's learning rate that makes the setup fail.", DefaultValueFactory = _ => 5.0 };
        var evalSamples = new Option<int>("--eval-samples") { Description = "Generated images scored for FID/KID per preset (0 = skip).", DefaultValueFactory = _ => 256 };
        var seed = new Option<long>("--seed") { Description = "Seed for weights, batches and noise.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Torch CPU threads (0 = libtorch's default).", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Folder for the run folders, ablation.csv and <preset>.png grids.", DefaultValueFactory = _ => Path.Combine("runs", "stabilizers") };
        var command = new Command("stabilizers", "Ablate the D-dominance remedies on the real DCGAN trainer with an over-strong D (same seed and budget per preset).")
        {
            presets, iterations, batch, size, data, images, ngf, dWidth, extra, boost, evalSamples, seed, threads, output,
        };
        command.SetAction(parse =>
        {
            TorchBackend.EnsureLoaded();
            int t = parse.GetValue(threads);
            if (t < 0) throw new ArgumentException($"--threads must be >= 0, got {t}");
            int count = parse.GetValue(images);
            if (count < 8) throw new ArgumentException($"--images must be >= 8, got {count}");
            var names = ParsePresets(parse.GetValue(presets)!);
            var setup = new TrainerAblationSetup
            {
                ImageSize = parse.GetValue(size),
                Ngf = parse.GetValue(ngf),
                DWidthFactor = parse.GetValue(dWidth),
                ExtraBlocks = parse.GetValue(extra),
                Iterations = parse.GetValue(iterations),
                BatchSize = parse.GetValue(batch),
                Seed = parse.GetValue(seed),
                DLearningRateBoost = parse.GetValue(boost),
                EvalSamples = parse.GetValue(evalSamples),
                Threads = t > 0 ? t : null,
            };
            setup.Validate();
            string outDir = parse.GetValue(output)!;

            using var loaded = Datasets.Load(parse.GetValue(data), setup.ImageSize, count, Console.Out);
            using var evaluation = setup.EvalSamples > 0 ? MakeEvaluator(loaded, setup.ImageSize) : null;
            Directory.CreateDirectory(outDir);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{loaded.Dataset.Count} images of {setup.ImageSize} px; G ngf {setup.Ngf}, D ndf {setup.Ngf * setup.DWidthFactor} with lr x{setup.DLearningRateBoost}; {setup.Iterations} iterations x batch {setup.BatchSize}, seed {setup.Seed}"));
            Console.WriteLine($"{"preset",-16} {"dom",5} {"dom(acc)",8} {"acc r/f",9} {"D(x)",6} {"D(G(z))",7} {"|dL/dG(z)|",10} {"FID",7} {"KID",7} {"ms/it",7}");
            var rows = TrainerAblation.Run(names, loaded.Dataset, setup, outDir, evaluation?.Evaluator, log: null, completed: row =>
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{row.Preset,-16} {row.DominatedShare,5:P0} {row.DominatedShareByAccuracy,8:P0} {row.FinalRealAccuracy,4:F2}/{row.FinalFakeAccuracy,4:F2} {row.FinalDReal,6:F3} {row.FinalDFake,7:F3} {row.FinalGOutputGradNorm,10:F4} {row.Fid,7:F2} {row.Kid,7:F4} {row.MsPerIteration,7:F1}"));
                row.Grid.Save(Path.Combine(outDir, row.Preset + ".png"));
            });
            WriteCsv(Path.Combine(outDir, "ablation.csv"), rows);
            if (evaluation is not null)
                Console.WriteLine($"FID/KID: {setup.EvalSamples} samples per preset in the attribute classifier's 64-d features (biased upwards at this count; compare presets with each other)");
            Console.WriteLine($"wrote {Path.Combine(outDir, "ablation.csv")} and a grid per preset");
            return CliErrors.Ok;
        });
        return command;
    }

    sealed class Evaluation(AttributeClassifier classifier, Evaluator evaluator) : IDisposable
    {
        public Evaluator Evaluator => evaluator;
        public void Dispose() { evaluator.Dispose(); classifier.Dispose(); }
    }

    static Evaluation? MakeEvaluator(ImageFolderResult loaded, int size)
    {
        if (loaded.Schema is null)
        {
            Console.WriteLine("FID/KID skipped: the data has no labels.csv to train the attribute classifier on");
            return null;
        }
        var cached = ClassifierCache.GetOrTrain(loaded.Dataset, loaded.Schema, Path.Combine(BuiltInDataset.DataRoot(), "cache"),
            TrainerAblationSetup.Classifier);
        Console.WriteLine($"classifier: {(cached.Trained ? "trained" : "cached")} {cached.Path}");
        return new Evaluation(cached.Classifier, new Evaluator(cached.Classifier, loaded.Dataset));
    }

    static IReadOnlyList<string> ParsePresets(string text)
    {
        if (string.Equals(text.Trim(), "all", StringComparison.OrdinalIgnoreCase)) return Remedies.Names.ToList();
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        foreach (var name in names) Remedies.Get(name); // names the unknown one
        return names.Count > 0 ? names : throw new ArgumentException("--presets is empty");
    }

    static void WriteCsv(string path, IReadOnlyList<TrainerAblationRow> rows)
    {
        var text = new StringBuilder("preset,dominated_share,dominated_share_by_accuracy,episodes,final_d_real,final_d_fake,final_real_accuracy,final_fake_accuracy,final_g_output_grad_norm,fid,kid,ms_per_iteration\n");
        foreach (var r in rows)
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Preset},{r.DominatedShare:R},{r.DominatedShareByAccuracy:R},{r.Episodes},{r.FinalDReal:R},{r.FinalDFake:R},{r.FinalRealAccuracy:R},{r.FinalFakeAccuracy:R},{r.FinalGOutputGradNorm:R},{r.Fid:R},{r.Kid:R},{r.MsPerIteration:F2}"));
        WaifuLab.Training.AtomicFile.WriteAllText(path, text.ToString());
    }
}
