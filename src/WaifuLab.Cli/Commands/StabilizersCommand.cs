using System.CommandLine;
using System.Globalization;
using System.Text;
using TorchSharp;
using WaifuLab.Backend;
using WaifuLab.Imaging;
using WaifuLab.Stabilizers;
using static TorchSharp.torch;

namespace WaifuLab.Cli.Commands;

/// <summary>
/// <c>waifulab stabilizers</c>: a CPU-sized D-dominance ablation (issue 7). A small DCGAN-style pair whose D has 4x G's
/// width and a boosted learning rate trains on a few synthetic cartoon faces, once per stabiliser preset with the same
/// seed and budget; prints the share of iterations flagged as dominated (by D's probabilities, dom(p), and by its
/// accuracy on real and fake, dom(acc)), the final balance and the cost, and with
/// --out writes the table as CSV and a sample grid per preset.
/// </summary>
public static class StabilizersCommand
{
    public static Command Create()
    {
        var presets = new Option<string>("--presets") { Description = "Comma-separated presets, or 'all'.", DefaultValueFactory = _ => "all" };
        var iterations = new Option<int>("--iterations") { Description = "Iterations per preset.", DefaultValueFactory = _ => 300 };
        var batch = new Option<int>("--batch") { Description = "Batch size.", DefaultValueFactory = _ => 32 };
        var size = new Option<int>("--size") { Description = "Image side in pixels: 16 or 32.", DefaultValueFactory = _ => 16 };
        var images = new Option<int>("--images") { Description = "Synthetic training images (few images make D memorise).", DefaultValueFactory = _ => 64 };
        var boost = new Option<double>("--d-lr-boost") { Description = "Factor on D's learning rate that makes the setup fail.", DefaultValueFactory = _ => 5.0 };
        var seed = new Option<long>("--seed") { Description = "Seed for data, weights, batches and noise.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Torch CPU threads (0 = libtorch's default).", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "Folder for ablation.csv and <preset>.png sample grids." };
        var command = new Command("stabilizers", "Ablate the D-dominance remedies on a small failing GAN (same seed and budget per preset).")
        {
            presets, iterations, batch, size, images, boost, seed, threads, output,
        };
        command.SetAction(parse =>
        {
            TorchBackend.SetThreads(parse.GetValue(threads));
            int side = parse.GetValue(size);
            if (side is not (16 or 32)) throw new ArgumentException($"--size must be 16 or 32, got {side}");
            int count = parse.GetValue(images);
            if (count < 1) throw new ArgumentException($"--images must be >= 1, got {count}");
            var names = ParsePresets(parse.GetValue(presets)!);
            var setup = new AblationSetup
            {
                Iterations = parse.GetValue(iterations),
                BatchSize = parse.GetValue(batch),
                Seed = parse.GetValue(seed),
                DLearningRateBoost = parse.GetValue(boost),
            };
            setup.Validate();
            string? outDir = parse.GetValue(output);
            if (outDir is not null) Directory.CreateDirectory(outDir);

            using var data = SyntheticFaces(count, side, setup.Seed);
            Console.WriteLine($"{count} synthetic {side}px faces, {setup.Iterations} iterations x batch {setup.BatchSize}, D lr x{setup.DLearningRateBoost}, seed {setup.Seed}");
            Console.WriteLine($"{"preset",-16} {"dom(p)",6} {"dom(acc)",8} {"acc r/f",9} {"D(x)",6} {"D(G(z))",7} {"loss G",7} {"|dL/dx_G|",9} {"ms/it",7}");
            var rows = StabilizerAblation.Run(names, () => Generator(setup.LatentSize, side), () => Discriminator(side), data, setup, row =>
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{row.Preset,-16} {row.FlaggedShare,6:P0} {row.FlaggedShareByAccuracy,8:P0} {row.FinalRealAccuracy,4:F2}/{row.FinalFakeAccuracy,4:F2} {row.FinalDReal,6:F3} {row.FinalDFake,7:F3} {row.FinalLossG,7:F3} {row.FinalGOutputGradNorm,9:F4} {row.MsPerIteration,7:F1}"));
                if (outDir is not null) ImageGrid.Save(row.Samples, Path.Combine(outDir, row.Preset + ".png"), columns: 8);
            });
            if (outDir is not null) WriteCsv(Path.Combine(outDir, "ablation.csv"), rows);
            foreach (var row in rows) row.Dispose();
            return CliErrors.Ok;
        });
        return command;
    }

    private static IReadOnlyList<string> ParsePresets(string text)
    {
        if (string.Equals(text.Trim(), "all", StringComparison.OrdinalIgnoreCase)) return StabilizerPresets.All.Keys.ToList();
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        foreach (var name in names) StabilizerPresets.Get(name); // names the unknown one
        return names.Count > 0 ? names : throw new ArgumentException("--presets is empty");
    }

    // DCGAN-style G: z -> 4x4 -> ... -> side, batch norm and ReLU, tanh output; width 16 at the last hidden layer.
    private static nn.Module<Tensor, Tensor> Generator(int nz, int side)
    {
        const int nf = 16;
        var layers = new List<nn.Module<Tensor, Tensor>>
        {
            nn.Linear(nz, nf * 4 * 4 * 4), nn.Unflatten(1, [nf * 4, 4, 4]), nn.BatchNorm2d(nf * 4), nn.ReLU(),
            nn.ConvTranspose2d(nf * 4, nf * 2, 4, stride: 2, padding: 1), nn.BatchNorm2d(nf * 2), nn.ReLU(),
        };
        if (side == 32) layers.AddRange([nn.ConvTranspose2d(nf * 2, nf * 2, 4, stride: 2, padding: 1), nn.BatchNorm2d(nf * 2), nn.ReLU()]);
        layers.AddRange([nn.ConvTranspose2d(nf * 2, 3, 4, stride: 2, padding: 1), nn.Tanh()]);
        return nn.Sequential(layers.ToArray());
    }

    // The over-strong D: 4x G's width, no normalisation (spectral norm is one of the remedies being measured).
    private static nn.Module<Tensor, Tensor> Discriminator(int side)
    {
        const int nf = 64;
        var layers = new List<nn.Module<Tensor, Tensor>> { nn.Conv2d(3, nf, 4, stride: 2, padding: 1), nn.LeakyReLU(0.2) };
        if (side == 32) layers.AddRange([nn.Conv2d(nf, nf, 4, stride: 2, padding: 1), nn.LeakyReLU(0.2)]);
        layers.AddRange([nn.Conv2d(nf, nf * 2, 4, stride: 2, padding: 1), nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(nf * 2 * 4 * 4, 1)]);
        return nn.Sequential(layers.ToArray());
    }

    // Cartoon faces: a skin-coloured disc with two dark eyes on a random background, random position and size.
    private static Tensor SyntheticFaces(int n, int side, long seed)
    {
        using var scope = NewDisposeScope();
        var g = new Generator((ulong)seed + 100);
        Tensor U(double lo, double hi, params long[] shape) => rand(shape, generator: g) * (hi - lo) + lo;
        var axis = linspace(-1, 1, side);
        var yy = axis.view(1, side, 1);
        var xx = axis.view(1, 1, side);
        var cx = U(-0.25, 0.25, n, 1, 1);
        var cy = U(-0.25, 0.25, n, 1, 1);
        var r = U(0.45, 0.7, n, 1, 1);
        var face = ((xx - cx).square() + (yy - cy).square()).lt(r.square());
        var eyeY = cy - r * 0.2;
        var eyeR = (r * 0.18).square();
        var eyes = ((xx - cx - r * 0.38).square() + (yy - eyeY).square()).lt(eyeR)
            .logical_or(((xx - cx + r * 0.38).square() + (yy - eyeY).square()).lt(eyeR));
        var background = U(-1, 1, n, 3, 1, 1);
        var skin = tensor(new float[] { 0.9f, 0.55f, 0.35f }).view(1, 3, 1, 1) + U(-0.1, 0.1, n, 3, 1, 1);
        var eyeColour = U(-1, -0.2, n, 3, 1, 1);
        var f = face.logical_and(eyes.logical_not()).unsqueeze(1).to(float32);
        var e = face.logical_and(eyes).unsqueeze(1).to(float32);
        var image = background * (1 - f - e) + skin * f + eyeColour * e;
        return image.clamp(-1, 1).MoveToOuterDisposeScope();
    }

    private static void WriteCsv(string path, IReadOnlyList<AblationRow> rows)
    {
        var text = new StringBuilder("preset,flagged_share,episodes,flagged_share_by_accuracy,final_real_accuracy,final_fake_accuracy,final_d_real,final_d_fake,final_loss_g,final_g_output_grad_norm,ms_per_iteration\n");
        foreach (var r in rows)
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Preset},{r.FlaggedShare:R},{r.Episodes},{r.FlaggedShareByAccuracy:R},{r.FinalRealAccuracy:R},{r.FinalFakeAccuracy:R},{r.FinalDReal:R},{r.FinalDFake:R},{r.FinalLossG:R},{r.FinalGOutputGradNorm:R},{r.MsPerIteration:F2}"));
        string temp = path + ".tmp";
        File.WriteAllText(temp, text.ToString());
        File.Move(temp, path, overwrite: true);
    }
}
