using WaifuLab.Conditional;
using WaifuLab.Models;
using WaifuLab.Models.Style;

namespace WaifuLab.Training;

/// <summary>
/// Named option sets, as data: pick one, then override with <c>with { ... }</c>. Times are for a 2-core CPU.
/// </summary>
public static class Presets
{
    static readonly (string Name, string Description, TrainOptions Options)[] All =
    [
        ("smoke", "32 px, nf 16, batch 16, 20 iterations: proves the pipeline end to end in seconds (CI).",
            new TrainOptions { Model = new GanModelOptions(32, 100, 16, 16), Epochs = 1, MaxIterations = 20, BatchSize = 16, SampleGridCount = 16 }),
        ("quick", "64 px, nf 32, batch 32, 2 epochs (1,250 iterations on 20k images): faces on a 2-core CPU in about 9 minutes.",
            new TrainOptions { Model = new GanModelOptions(64, 100, 32, 32), Epochs = 2, BatchSize = 32 }),
        ("full", "64 px, nf 64, batch 128, 50 epochs: the original DCGAN scale (hours on a CPU; use a GPU).",
            new TrainOptions { Model = new GanModelOptions(64, 100, 64, 64), Epochs = 50, BatchSize = 128 }),
        ("deep128-smoke", "128 px, nf 8, one extra 3x3 block per stage, batch 8, 10 iterations: the deeper model's pipeline in seconds (CI).",
            new TrainOptions { Model = new GanModelOptions(128, 100, 8, 8, ExtraBlocks: 1), Epochs = 1, MaxIterations = 10, BatchSize = 8, SampleGridCount = 16 }),
        ("deep128-quick", $"128 px, nf 16, one extra 3x3 block per stage, batch 32, {DeepQuickIterations:N0} iterations: the deeper model, CPU-sized (about 15 minutes on a 2-core AMD EPYC host, 0.48 s/it).",
            new TrainOptions { Model = new GanModelOptions(128, 100, 16, 16, ExtraBlocks: 1), Epochs = 3, MaxIterations = DeepQuickIterations, BatchSize = 32 }),
        ("deep128-full", "128 px, nf 64, one extra 3x3 block per stage, batch 64, 32 epochs: the deeper model at full width (GPU).",
            new TrainOptions { Model = new GanModelOptions(128, 100, 64, 64, ExtraBlocks: 1), Epochs = 32, BatchSize = 64 }),
        // The residual cure for the deep 128 px model, with the recommended remedies (hinge, spectral norm on D, DiffAugment, EMA of G)
        // and residual GANs' optimiser settings (TTUR, Adam beta1 0): see Resnet below.
        ("resnet128-smoke", "architecture resnet: 128 px residual G and D, nf 8, batch 8, 10 iterations, recommended remedies, TTUR: the cure's pipeline in seconds (CI).",
            Resnet(new TrainOptions { Model = new GanModelOptions(128, 100, 8, 8), Epochs = 1, MaxIterations = 10, BatchSize = 8, SampleGridCount = 16 })),
        ("resnet128-quick", $"architecture resnet: 128 px residual G and D, nf 16, batch 32, {ResnetQuickIterations} iterations, recommended remedies, TTUR: deep128-quick's data and about its wall clock on a 2-core CPU.",
            Resnet(new TrainOptions { Model = new GanModelOptions(128, 100, 16, 16), Epochs = 1, MaxIterations = ResnetQuickIterations, BatchSize = 32 })),
        ("resnet128-full", "architecture resnet: 128 px residual G and D, nf 64, batch 64, 32 epochs, recommended remedies, TTUR (GPU).",
            Resnet(new TrainOptions { Model = new GanModelOptions(128, 100, 64, 64), Epochs = 32, BatchSize = 64 })),
        ("resnet256-smoke", "architecture resnet: 256 px residual G and D (7 sampling stages counting the RGB layers), nf 4, batch 4, 4 iterations, recommended remedies, TTUR: the 256 px pipeline in seconds (CI).",
            Resnet(new TrainOptions { Model = new GanModelOptions(256, 100, 4, 4), Epochs = 1, MaxIterations = 4, BatchSize = 4, SampleGridCount = 4 })),
        ("resnet256-full", "architecture resnet: 256 px residual G and D, nf 32, batch 32, 32 epochs, recommended remedies, TTUR (GPU).",
            Resnet(new TrainOptions { Model = new GanModelOptions(256, 100, 32, 32), Epochs = 32, BatchSize = 32 })),
        ("cgan-smoke", "the smoke run as a conditional GAN (the cgan-quick models) on the data's labels: proves attribute conditioning end to end (CI).",
            new TrainOptions { Model = new GanModelOptions(32, 100, 16, 16), Epochs = 1, MaxIterations = 20, BatchSize = 16, SampleGridCount = 16,
                               Conditioning = ConditioningMode.ProjectionClassifier, ConditionalBatchNorm = true, EmaBeta = 0.999, Objective = new() { ModeSeekingWeight = 0.2 } }),
        ("cgan-quick", "the quick run as a conditional GAN (projection D with an attribute head, conditional BatchNorm in G, mode-seeking term 0.2, samples from an EMA of G; --conditioning projection or acgan for the others): 64 px, nf 32, batch 32, 3 epochs on the labelled data.",
            new TrainOptions { Model = new GanModelOptions(64, 100, 32, 32), Epochs = 3, BatchSize = 32,
                               Conditioning = ConditioningMode.ProjectionClassifier, ConditionalBatchNorm = true, EmaBeta = 0.999, Objective = new() { ModeSeekingWeight = 0.2 } }),
        ("style-smoke", "the style architecture (StyleGAN2: mapping, modulated convs, noise, skip toRGB, residual D) at 32 px, nf 8, w 32, batch 8, 20 iterations: its pipeline end to end (CI).",
            Style(new GanModelOptions(32, 32, 8, 8), new StyleModelOptions { MappingLayers = 2, WDim = 32 }) with { Epochs = 1, MaxIterations = 20, BatchSize = 8, SampleGridCount = 16 }),
        ("style-quick", "the style architecture at 64 px, nf 16, w 128, 4 mapping layers, batch 32, 2 epochs of the built-in faces (1,250 iterations; style mixing 0.9, lazy R1, EMA of G): CPU-sized (about 18 minutes on a 2-core AMD EPYC host at 0.83 s/it).",
            Style(new GanModelOptions(64, 128, 16, 16), new StyleModelOptions()) with { Epochs = 2, BatchSize = 32 }),
        ("style-full", "the style architecture at 64 px, nf 64, w 512, 8 mapping layers, batch 64, 50 epochs: closer to StyleGAN2's widths (GPU).",
            Style(new GanModelOptions(64, 512, 64, 64), new StyleModelOptions { MappingLayers = 8, WDim = 512 }) with { Epochs = 50, BatchSize = 64 }),
    ];

    // StyleGAN2's recipe: Adam 0.002 with betas (0, 0.99), non-saturating loss, lazy R1 every 16 iterations (gamma as
    // stylegan2-ada's auto config gives at 64 px, batch 32), style mixing 0.9, an EMA of G for sampling.
    static TrainOptions Style(GanModelOptions model, StyleModelOptions style) => new()
    {
        Model = model with { Architecture = ModelFactory.Style, Style = style },
        LrG = 0.002, LrD = 0.002, Beta1 = 0, Beta2 = 0.99, EmaBeta = 0.995,
        Objective = new() { R1Gamma = 0.05, R1Every = 16, StyleMixingProbability = 0.9 },
    };

    /// <summary>
    /// deep128-quick's length: the 15 minutes that issue 21 gives the cure on 2 cores, at the deep DCGAN's 0.48 s/it
    /// (notebook 02 on a 2-core AMD EPYC host, 2026-12-05), so that the cure gets that wall clock too.
    /// </summary>
    public const int DeepQuickIterations = 1800;

    /// <summary>
    /// resnet128-quick's length, for about deep128-quick's wall clock. `waifulab bench --trainer-only` on a
    /// 2-core AMD EPYC host (2026-12-05, batch 32, glibc malloc tuned by <see cref="Backend.NativeHeap"/>): the residual pair
    /// 1,419 ms/it against the deep DCGAN's 417, 3.4x; the remedies add about 10 % (notebook 02: 994 against 858 ms/it), so
    /// 3.7x and 1,800 / 3.7 = 490 iterations. Notebook 02 measures the ratio again on the machine it runs on and sets the
    /// cure's length from it.
    /// </summary>
    public const int ResnetQuickIterations = 490;

    /// <summary>
    /// The resnet architecture with the recommended remedies and TTUR (<see cref="Remedies"/>: from DCGAN's 2e-4, G 1e-4
    /// and D 4e-4, Heusel et al. 2017) and Adam beta1 0, as residual GANs train (SNGAN, BigGAN). With
    /// DCGAN's 2e-4 / 2e-4 and beta1 0.5, resnet128-quick's samples collapsed to one shape (FID 43.1 at 200 iterations,
    /// 19.9 at 464 in notebook 02); with these, 250 iterations gave varied samples and FID 26.4 (eval, 500 samples, seed 1).
    /// </summary>
    static TrainOptions Resnet(TrainOptions o) =>
        Remedies.Get("recommended")(Remedies.Get("ttur")(o with { Model = o.Model with { Architecture = ModelFactory.Resnet }, Beta1 = 0 }));

    public static IReadOnlyList<string> Names { get; } = All.Select(p => p.Name).ToArray();

    /// <summary>The preset's options; unknown names are refused with the list of known ones.</summary>
    public static TrainOptions Get(string name) => Find(name).Options;

    /// <summary>One line saying what the preset is for.</summary>
    public static string Describe(string name)
    {
        var p = Find(name);
        var o = p.Options;
        return $"{p.Name}: {p.Description} [size {o.Model.ImageSize}, ngf {o.Model.Ngf}, ndf {o.Model.Ndf}, extra blocks {o.Model.ExtraBlocks}, " +
               $"batch {o.BatchSize}, epochs {o.Epochs}{(o.MaxIterations is { } m ? $", max {m} iterations" : "")}" +
               $"{(o.Conditioning is { } c ? $", conditional {c}{(o.ConditionalBatchNorm ? " with conditional BatchNorm in G" : "")}{(o.Objective.ModeSeekingWeight > 0 ? $", mode seeking {o.Objective.ModeSeekingWeight}" : "")}{(o.EmaBeta > 0 ? $", EMA of G {o.EmaBeta}" : "")}" : "")}]";
    }

    static (string Name, string Description, TrainOptions Options) Find(string name)
    {
        foreach (var p in All)
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p;
        throw new ArgumentException($"unknown preset '{name}': use one of {string.Join(", ", Names)}", nameof(name));
    }
}
