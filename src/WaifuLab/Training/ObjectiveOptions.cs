using WaifuLab.Stabilizers;

namespace WaifuLab.Training;

/// <summary>
/// The terms of the GAN objective (<see cref="GanObjective"/>) as plain data. The defaults are the DCGAN recipe: the
/// non-saturating BCE, one D step per G step, nothing added; every remedy against D dominance and mode collapse is one
/// field here, for unconditional and conditional runs alike. Learning rates (TTUR) are <see cref="TrainOptions.LrG"/>
/// and <see cref="TrainOptions.LrD"/>, spectral norm is <see cref="WaifuLab.Models.GanModelOptions.SpectralNorm"/>, the EMA of G
/// is <see cref="TrainOptions.EmaBeta"/>.
/// </summary>
public sealed record ObjectiveOptions
{
    /// <summary>Adversarial loss (<see cref="GanLossKind"/>).</summary>
    public GanLossKind Loss { get; init; } = GanLossKind.NonSaturating;

    /// <summary>One-sided label smoothing: D's target for real images becomes <see cref="SmoothedRealTarget"/> (Salimans et al. 2016).</summary>
    public bool LabelSmoothing { get; init; }

    /// <summary>The smoothed real target (0.9 in Salimans et al. 2016).</summary>
    public double SmoothedRealTarget { get; init; } = 0.9;

    /// <summary>Standard deviation of the Gaussian instance noise on D's inputs at iteration 0; 0 = off (Sønderby et al. 2016).</summary>
    public double InstanceNoiseSigma0 { get; init; }

    /// <summary>Iterations over which the instance noise is annealed linearly to 0.</summary>
    public int InstanceNoiseAnnealIterations { get; init; } = 1000;

    /// <summary>DiffAugment policy applied to every image D sees, real and fake, e.g. "color,translation,cutout"; empty = off (Zhao et al. 2020).</summary>
    public string DiffAugmentPolicy { get; init; } = "";

    /// <summary>Weight gamma of the R1 penalty gamma/2 E||grad_x D(x)||^2 on real data; 0 = off (Mescheder et al. 2018).</summary>
    public double R1Gamma { get; init; }

    /// <summary>
    /// Lazy R1 (StyleGAN2): the penalty every this many iterations, weighted by that interval so its average strength is
    /// unchanged; 1 = every D step.
    /// </summary>
    public int R1Every { get; init; } = 1;

    /// <summary>Conditional runs with an attribute head (AC-GAN, projection + head): weight of the attribute loss in D's and G's losses.</summary>
    public double AuxWeight { get; init; } = 1.0;

    /// <summary>Weight of MSGAN's mode-seeking term in G's loss (<see cref="WaifuLab.Conditional.ModeSeekingLoss"/>), against G ignoring z; 0 = off.</summary>
    public double ModeSeekingWeight { get; init; }

    /// <summary>
    /// Style-mixing regularisation (StyleGAN, Karras et al. 2019): with this probability a fake batch takes its ws from
    /// two latents, switching at a random layer, so neighbouring layers' styles cannot rely on each other. Style
    /// generators only; 0 = off (0.9 in StyleGAN2).
    /// </summary>
    public double StyleMixingProbability { get; init; }

    /// <summary>D updates per iteration (WGAN's n_critic, Arjovsky et al. 2017).</summary>
    public int DSteps { get; init; } = 1;

    /// <summary>G updates per iteration (more than one lets a weak G catch up).</summary>
    public int GSteps { get; init; } = 1;

    /// <summary>The real target D's BCE uses (1, or <see cref="SmoothedRealTarget"/> with smoothing on).</summary>
    public double RealTarget => LabelSmoothing ? SmoothedRealTarget : 1.0;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first term out of range or a combination that means nothing.</summary>
    public ObjectiveOptions Validate()
    {
        if (!Enum.IsDefined(Loss)) throw new ArgumentException($"unknown loss {Loss}; use one of {string.Join(", ", Enum.GetNames<GanLossKind>())}", nameof(Loss));
        if (!(SmoothedRealTarget > 0.5 && SmoothedRealTarget <= 1.0))
            throw new ArgumentException($"the smoothed real target must be in (0.5, 1], got {SmoothedRealTarget}", nameof(SmoothedRealTarget));
        if (LabelSmoothing && Loss == GanLossKind.Hinge)
            throw new ArgumentException("label smoothing changes BCE's real target, and the hinge loss has no targets: use one or the other", nameof(LabelSmoothing));
        if (!(InstanceNoiseSigma0 is >= 0 and <= float.MaxValue))
            throw new ArgumentException($"instance noise sigma must be a finite number >= 0, got {InstanceNoiseSigma0}", nameof(InstanceNoiseSigma0));
        if (InstanceNoiseSigma0 > 0 && InstanceNoiseAnnealIterations < 1)
            throw new ArgumentException($"instance noise needs >= 1 annealing iteration, got {InstanceNoiseAnnealIterations}", nameof(InstanceNoiseAnnealIterations));
        DiffAugment.ParsePolicy(DiffAugmentPolicy ?? throw new ArgumentException("the DiffAugment policy must not be null (\"\" = off)", nameof(DiffAugmentPolicy)));
        if (!(R1Gamma is >= 0 and <= float.MaxValue)) throw new ArgumentException($"R1 gamma must be a number from 0 to float32's maximum, got {R1Gamma}", nameof(R1Gamma));
        if (R1Every < 1) throw new ArgumentException($"the R1 interval must be >= 1 iteration, got {R1Every}", nameof(R1Every));
        if (!(AuxWeight is >= 0 and <= float.MaxValue)) throw new ArgumentException($"attribute loss weight must be a number from 0 to float32's maximum, got {AuxWeight}", nameof(AuxWeight));
        if (!(ModeSeekingWeight is >= 0 and <= float.MaxValue)) throw new ArgumentException($"mode-seeking weight must be a number from 0 to float32's maximum, got {ModeSeekingWeight}", nameof(ModeSeekingWeight));
        if (!(StyleMixingProbability is >= 0 and <= 1)) throw new ArgumentException($"style-mixing probability must be in [0, 1], got {StyleMixingProbability}", nameof(StyleMixingProbability));
        if (DSteps < 1) throw new ArgumentException($"D steps per iteration must be >= 1, got {DSteps}", nameof(DSteps));
        if (GSteps < 1) throw new ArgumentException($"G steps per iteration must be >= 1, got {GSteps}", nameof(GSteps));
        return this;
    }
}
