using WaifuLab.Stabilizers;

namespace WaifuLab.Training;

/// <summary>
/// Named remedy sets against D dominance and mode collapse, as small overrides of a run's options (like the presets, in
/// the manner of nanoGPT's config files): "none", each remedy alone, and "recommended" (hinge + spectral norm on D +
/// DiffAugment + EMA of G: the combination of Miyato 2018, Zhao 2020 and Karras 2018 that modern small-data GANs use).
/// They apply to unconditional and conditional runs alike (<c>waifulab train --remedies recommended</c>) and are the
/// rows of the D-dominance ablation (<see cref="TrainerAblation"/>, <c>waifulab stabilizers</c>, notebook 03).
/// On the real trainer (<c>waifulab stabilizers --presets none,recommended --iterations 150 --eval-samples 128</c>:
/// 2,000 built-in 32 px faces, G ngf 16, D ndf 64 with 5x G's learning rate, seed 1) "none" was flagged dominated in 25 %
/// of iterations, ending at D(x) 0.98 / D(G(z)) 0.02, FID 16.7 / KID 0.55 (classifier features, 128 samples);
/// "recommended" 0 %, D(G(z)) 0.14, FID 11.2 / KID 0.31, at 1.8x the time per iteration.
/// </summary>
public static class Remedies
{
    static TrainOptions Objective(TrainOptions o, Func<ObjectiveOptions, ObjectiveOptions> change) => o with { Objective = change(o.Objective) };

    static readonly (string Name, string Description, Func<TrainOptions, TrainOptions> Apply)[] All =
    [
        ("none", "the options as they are", o => o),
        ("label-smoothing", "one-sided label smoothing: D's real target 0.9 (Salimans et al. 2016)",
            o => Objective(o, x => x with { LabelSmoothing = true })),
        ("instance-noise", "Gaussian noise on D's inputs, sigma 0.1 annealed to 0 over 1,000 iterations (Sønderby et al. 2016)",
            o => Objective(o, x => x with { InstanceNoiseSigma0 = 0.1, InstanceNoiseAnnealIterations = 1000 })),
        // Heusel et al. 2017 ran DCGAN with lr_D = 4e-4 and lr_G = 1e-4: a 4:1 ratio around the usual 2e-4.
        ("ttur", "two time-scale update rule: D's learning rate x2, G's x0.5 (Heusel et al. 2017)",
            o => o with { LrD = o.LrD * 2.0, LrG = o.LrG * 0.5 }),
        ("g-steps-2", "two G steps per D step", o => Objective(o, x => x with { GSteps = 2 })),
        ("hinge", "the hinge loss (Lim & Ye 2017, Miyato et al. 2018)", o => Objective(o, x => x with { Loss = GanLossKind.Hinge })),
        ("spectral-norm", "spectral norm on every layer of D (Miyato et al. 2018)", o => o with { Model = o.Model with { SpectralNorm = true } }),
        ("r1", "R1 penalty, gamma 10 (Mescheder et al. 2018)", o => Objective(o, x => x with { R1Gamma = 10.0 })),
        ("diffaugment", "DiffAugment color,translation,cutout on every image D sees (Zhao et al. 2020)",
            o => Objective(o, x => x with { DiffAugmentPolicy = DiffAugment.FullPolicy })),
        ("ema", "sample from an EMA of G's weights, decay 0.999 (Karras et al. 2018)", o => o with { EmaBeta = 0.999 }),
        ("recommended", "hinge + spectral norm on D + DiffAugment + EMA of G (0.999)",
            o => Objective(o, x => x with { Loss = GanLossKind.Hinge, DiffAugmentPolicy = DiffAugment.FullPolicy })
                with { Model = o.Model with { SpectralNorm = true }, EmaBeta = 0.999 }),
    ];

    /// <summary>Every set by name, in ablation order (baseline first, the combination last).</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(r => r.Name).ToArray();

    /// <summary>The set called <paramref name="name"/> (case-insensitive); an <see cref="ArgumentException"/> lists the known names otherwise.</summary>
    public static Func<TrainOptions, TrainOptions> Get(string name) => Find(name).Apply;

    /// <summary>One line saying what the set changes.</summary>
    public static string Describe(string name) => $"{Find(name).Name}: {Find(name).Description}";

    static (string Name, string Description, Func<TrainOptions, TrainOptions> Apply) Find(string name)
    {
        foreach (var r in All)
            if (string.Equals(r.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase)) return r;
        throw new ArgumentException($"unknown remedy set '{name}'; known: {string.Join(", ", Names)}", nameof(name));
    }
}
