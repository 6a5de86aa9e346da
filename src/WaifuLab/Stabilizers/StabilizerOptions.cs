namespace WaifuLab.Stabilizers;

/// <summary>
/// Remedies against D dominance as plain data, all off by default so that <c>new StabilizerOptions()</c> is the plain
/// DCGAN step (non-saturating BCE, one D step per G step, equal learning rates). Named combinations: <see cref="StabilizerPresets"/>.
/// </summary>
public sealed record StabilizerOptions
{
    /// <summary>Adversarial objective (<see cref="GanLossKind"/>).</summary>
    public GanLossKind Loss { get; init; } = GanLossKind.NonSaturating;

    /// <summary>One-sided label smoothing: D's target for real images becomes <see cref="SmoothedRealTarget"/> (Salimans et al. 2016).</summary>
    public bool LabelSmoothing { get; init; }

    /// <summary>The smoothed real target (0.9 in Salimans et al. 2016).</summary>
    public double SmoothedRealTarget { get; init; } = 0.9;

    /// <summary>Standard deviation of the Gaussian instance noise added to D's inputs at iteration 0; 0 = off (Sønderby et al. 2016).</summary>
    public double InstanceNoiseSigma0 { get; init; }

    /// <summary>Iterations over which the instance noise is annealed linearly to 0.</summary>
    public int InstanceNoiseAnnealIterations { get; init; } = 1000;

    /// <summary>Multiplier on the base learning rate for D; with <see cref="LrGMultiplier"/> this is the two time-scale update rule (Heusel et al. 2017).</summary>
    public double LrDMultiplier { get; init; } = 1.0;

    /// <summary>Multiplier on the base learning rate for G.</summary>
    public double LrGMultiplier { get; init; } = 1.0;

    /// <summary>D updates per iteration (WGAN's n_critic, Arjovsky et al. 2017).</summary>
    public int DSteps { get; init; } = 1;

    /// <summary>G updates per iteration (more than one lets a weak G catch up).</summary>
    public int GSteps { get; init; } = 1;

    /// <summary>Spectral normalisation of every conv/linear layer of D (Miyato et al. 2018).</summary>
    public bool SpectralNormD { get; init; }

    /// <summary>Weight gamma of the R1 penalty gamma/2 E||grad_x D(x)||^2 on real data; 0 = off (Mescheder et al. 2018).</summary>
    public double R1Gamma { get; init; }

    /// <summary>DiffAugment policy applied to real and fake alike, e.g. "color,translation,cutout"; empty = off (Zhao et al. 2020).</summary>
    public string DiffAugmentPolicy { get; init; } = "";

    /// <summary>Decay of the exponential moving average of G's weights used for sampling, e.g. 0.999; 0 = off (Karras et al. 2018).</summary>
    public double EmaBeta { get; init; }

    /// <summary>Ramp the EMA decay up from 0 over the first updates so early averages do not remember the random init.</summary>
    public bool EmaRampup { get; init; } = true;

    /// <summary>Thresholds of the trainer's D-dominance detector (judged by D's accuracy under hinge or label smoothing).</summary>
    public DominanceOptions Dominance { get; init; } = new();

    /// <summary>The real target D's BCE loss uses (1, or <see cref="SmoothedRealTarget"/> with smoothing on).</summary>
    public double RealTarget => LabelSmoothing ? SmoothedRealTarget : 1.0;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Loss)) throw new ArgumentException($"Loss {Loss} is not a GanLossKind");
        if (!(SmoothedRealTarget > 0.5 && SmoothedRealTarget <= 1.0))
            throw new ArgumentException($"SmoothedRealTarget must be in (0.5, 1], got {SmoothedRealTarget}");
        if (InstanceNoiseSigma0 < 0) throw new ArgumentException($"InstanceNoiseSigma0 must be >= 0, got {InstanceNoiseSigma0}");
        if (InstanceNoiseSigma0 > 0 && InstanceNoiseAnnealIterations < 1)
            throw new ArgumentException($"InstanceNoiseAnnealIterations must be >= 1 with instance noise on, got {InstanceNoiseAnnealIterations}");
        if (!(LrDMultiplier > 0)) throw new ArgumentException($"LrDMultiplier must be > 0, got {LrDMultiplier}");
        if (!(LrGMultiplier > 0)) throw new ArgumentException($"LrGMultiplier must be > 0, got {LrGMultiplier}");
        if (DSteps < 1) throw new ArgumentException($"DSteps must be >= 1, got {DSteps}");
        if (GSteps < 1) throw new ArgumentException($"GSteps must be >= 1, got {GSteps}");
        if (R1Gamma < 0) throw new ArgumentException($"R1Gamma must be >= 0, got {R1Gamma}");
        if (!(EmaBeta >= 0 && EmaBeta < 1)) throw new ArgumentException($"EmaBeta must be in [0, 1), got {EmaBeta}");
        DiffAugment.ParsePolicy(DiffAugmentPolicy);
        if (Dominance is null) throw new ArgumentException("Dominance options must not be null");
        Dominance.Validate();
    }
}
