using TorchSharp;
using WaifuLab.Models;
using WaifuLab.Training;
using static TorchSharp.torch;

namespace WaifuLab.Stabilizers;

/// <summary>
/// The trainer's <see cref="GanUpdate"/> with the remedies of <see cref="StabilizerOptions"/> and D-dominance
/// instrumentation (what <see cref="GanTrainer"/> runs when <see cref="TrainOptions.Stabilizers"/> is set). Per iteration:
/// DSteps x [D on augment+noise(real) and augment+noise(G(z)), chosen loss (+ R1 on the augmented reals)], then
/// GSteps x [G through the same augment+noise], then the EMA update. The first D and G steps use the batch's noise and
/// the fake is drawn once for both (as in <see cref="GanUpdate"/>), so with default options the losses equal the plain
/// update's exactly; extra steps draw fresh noise from the run's generator.
/// <para>
/// Extra columns: d_acc_real, d_acc_fake (D's accuracy at logit 0), grad_norm_d, grad_norm_g (parameter-gradient L2 norms
/// of the last steps), grad_norm_g_out (||dLoss_G/dG(z)||, the gradient G receives at its output images), dominated
/// (0/1, from <see cref="Detector"/>), and r1 / noise_sigma when those remedies are on. All are computed as tensors and
/// copied to the host in one transfer, so the instrumentation adds no extra synchronisation.
/// </para>
/// </summary>
public sealed class StabilizedGanUpdate : GanUpdate
{
    readonly StabilizerOptions _s;
    readonly torch.Generator _rng;
    readonly InstanceNoise? _noise;
    readonly DiffAugment _augment;
    readonly DcganGenerator? _shadow;
    readonly TrainOptions _options;

    /// <summary>
    /// Applies spectral norm to <paramref name="discriminator"/> (u, v drawn from a generator seeded by the run's seed),
    /// creates the EMA shadow of <paramref name="generator"/> when EmaBeta &gt; 0, and scales the learning rates by the TTUR
    /// multipliers. <paramref name="rng"/> is the run's per-iteration generator (checkpointed by the trainer): augmentations,
    /// instance noise and the extra steps' noise come from it, so a resumed run continues exactly.
    /// </summary>
    public StabilizedGanUpdate(DcganGenerator generator, DcganDiscriminator discriminator, TrainOptions options, torch.Generator rng)
        : base(generator, discriminator, options)
    {
        ArgumentNullException.ThrowIfNull(rng);
        _options = options;
        _s = options.Stabilizers ?? new StabilizerOptions();
        _s.Validate();
        _rng = rng;
        if (_s.SpectralNormD)
        {
            using var snGen = new torch.Generator(unchecked((ulong)options.Seed * 31 + 7), CPU);
            SpectralNorm.Apply(discriminator, snGen);
        }
        if (_s.InstanceNoiseSigma0 > 0) _noise = new InstanceNoise(_s.InstanceNoiseSigma0, _s.InstanceNoiseAnnealIterations);
        _augment = new DiffAugment(_s.DiffAugmentPolicy);
        if (_s.EmaBeta > 0)
        {
            _shadow = new DcganGenerator(generator.Options);
            _shadow.to(generator.parameters().First().device);
            Ema = new Ema(generator, _shadow, _s.EmaBeta, _s.EmaRampup);
        }
        ApplyLearningRates();
        Detector = new DominanceDetector(DetectorOptions(_s));
    }

    /// <summary>The stabiliser options in use.</summary>
    public StabilizerOptions Stabilizers => _s;

    /// <summary>The EMA of G's weights, or null when EmaBeta is 0.</summary>
    public Ema? Ema { get; }

    /// <summary>
    /// The EMA generator to sample from, or null when EmaBeta is 0; its BatchNorm statistics are recomputed for the
    /// averaged weights (<see cref="StandingStatistics"/>) whenever these have changed.
    /// </summary>
    public DcganGenerator? EmaGenerator
    {
        get
        {
            if (_shadow is null) return null;
            if (Ema!.StatisticsStale)
            {
                var device = _shadow.parameters().First().device;
                using var noise = new torch.Generator((ulong)StandingStatistics.Seed, CPU); // its own stream: the run's draws stay as they are
                Ema.EnsureStandingStatistics(StandingStatistics.Batches, _ =>
                {
                    using var scope = NewDisposeScope();
                    _shadow.forward(randn([_options.BatchSize, _shadow.Options.Nz], generator: noise).to(device));
                });
            }
            return _shadow;
        }
    }

    /// <summary>Marks the run's D-dominated iterations (the "dominated" column); subscribe to its EpisodeStarted to warn.</summary>
    public DominanceDetector Detector { get; }

    /// <summary>Iterations run (drives the instance-noise schedule).</summary>
    public long Iteration { get; private set; }

    /// <summary>
    /// The detector's thresholds: <see cref="StabilizerOptions.Dominance"/>, but judged by D's accuracy whenever the loss
    /// makes probabilities meaningless (hinge margins, smoothed targets; see <see cref="DominanceSignal"/>).
    /// </summary>
    public static DominanceOptions DetectorOptions(StabilizerOptions s) =>
        s.Loss == GanLossKind.Hinge || s.LabelSmoothing ? s.Dominance with { Signal = DominanceSignal.Accuracy } : s.Dominance;

    /// <summary>
    /// After loading a checkpoint: sets the iteration (noise schedule, EMA ramp-up), re-applies the TTUR multipliers to
    /// <paramref name="options"/>' learning rates, and replays <paramref name="history"/> through the (still fresh) detector so its
    /// window is as it was.
    /// </summary>
    public void Restore(long iteration, TrainOptions options, IEnumerable<TrainStep>? history)
    {
        Iteration = iteration;
        Ema?.ResumeAt(iteration);
        foreach (var g in OptimizerG.ParamGroups) g.LearningRate = options.LrG * _s.LrGMultiplier;
        foreach (var g in OptimizerD.ParamGroups) g.LearningRate = options.LrD * _s.LrDMultiplier;
        if (history is null) return;
        foreach (var step in history)
            if (step.Iteration <= iteration && step.Extra is { } e && e.TryGetValue("d_acc_real", out var ar) && e.TryGetValue("d_acc_fake", out var af))
                Detector.Add(new DominanceRecord(step.Iteration, step.DReal, step.DFakeBefore, step.LossG,
                    e.TryGetValue("grad_norm_g", out var gn) ? gn : 0, ar, af));
    }

    /// <summary>Writes the state the plain update lacks (the EMA shadow) after the optimizers in a checkpoint.</summary>
    public void SaveState(BinaryWriter writer)
    {
        if (_shadow is not null) _shadow.save(writer);
    }

    /// <summary>Reads what <see cref="SaveState"/> wrote.</summary>
    public void LoadState(BinaryReader reader)
    {
        if (_shadow is not null) _shadow.load(reader);
    }

    void ApplyLearningRates()
    {
        foreach (var g in OptimizerG.ParamGroups) g.LearningRate = _options.LrG * _s.LrGMultiplier;
        foreach (var g in OptimizerD.ParamGroups) g.LearningRate = _options.LrD * _s.LrDMultiplier;
    }

    /// <inheritdoc/>
    public override UpdateResult Step(GanBatch batch)
    {
        using var scope = NewDisposeScope();
        long it = Iteration;
        long n = batch.Real.shape[0];
        Tensor lossD = null!, realLogits = null!, fakeLogits = null!, gradD = null!, r1 = null!;
        Tensor? fake = null;
        for (int k = 0; k < _s.DSteps; k++)
        {
            OptimizerD.zero_grad();
            var realIn = DInput(batch.Real, it);
            if (_s.R1Gamma > 0) realIn = realIn.detach().requires_grad_(true);
            realLogits = Discriminate(realIn, batch.Conditions);
            // The first D step uses the batch's noise and keeps its fake for the first G step, as the plain update does.
            var z = k == 0 ? batch.Noise : NewNoise(batch.Noise);
            var f = Generate(z, batch.Conditions);
            if (k == 0) fake = f;
            fakeLogits = Discriminate(DInput(f.detach(), it), batch.Conditions);
            lossD = DiscriminatorLoss(realLogits, fakeLogits);
            var total = lossD;
            if (_s.R1Gamma > 0)
            {
                r1 = R1Penalty.FromLogits(realIn, realLogits, _s.R1Gamma);
                total = lossD + r1;
            }
            total.backward();
            gradD = GradNorm(Discriminator);
            OptimizerD.step();
        }

        Tensor lossG = null!, fakeLogitsAfter = null!, gradG = null!, gradOut = null!;
        for (int k = 0; k < _s.GSteps; k++)
        {
            OptimizerG.zero_grad();
            var f = k == 0 ? fake! : Generate(NewNoise(batch.Noise), batch.Conditions);
            // G's gradient at its output images: the signal that vanishes when D wins with the saturating loss.
            f.retain_grad();
            fakeLogitsAfter = Discriminate(DInput(f, it), batch.Conditions);
            lossG = GeneratorLoss(fakeLogitsAfter);
            lossG.backward();
            gradG = GradNorm(Generator);
            gradOut = f.grad is { } og ? og.detach().norm() : zeros(1).squeeze();
            OptimizerG.step();
        }
        // G's backward filled D's gradients too; D's next zero_grad clears them (as in the plain update).
        Ema?.Update();
        Iteration++;

        using var _ = no_grad();
        var values = new List<Tensor>
        {
            lossD.detach(), lossG.detach(), realLogits.detach().sigmoid().mean(), fakeLogits.detach().sigmoid().mean(),
            fakeLogitsAfter.detach().sigmoid().mean(), realLogits.detach().gt(0).to(float32).mean(),
            fakeLogits.detach().lt(0).to(float32).mean(), gradD, gradG, gradOut,
        };
        if (_s.R1Gamma > 0) values.Add(r1.detach());
        var v = stack(values.Select(t => t.to(float64).reshape(1)).ToArray()).view(-1).cpu().data<double>().ToArray();
        var extra = new Dictionary<string, double>
        {
            ["d_acc_real"] = v[5],
            ["d_acc_fake"] = v[6],
            ["grad_norm_d"] = v[7],
            ["grad_norm_g"] = v[8],
            ["grad_norm_g_out"] = v[9],
        };
        if (_s.R1Gamma > 0) extra["r1"] = v[10];
        if (_noise is not null) extra["noise_sigma"] = _noise.Sigma(it);
        bool dominated = Detector.Add(new DominanceRecord(it + 1, v[2], v[3], v[1], v[8], v[5], v[6]));
        extra["dominated"] = dominated ? 1 : 0;
        return new UpdateResult(v[0], v[1], v[2], v[3], v[4]) { Extra = extra };
    }

    /// <summary>BCE with the (optionally smoothed) real target, or hinge; the plain update's own loss when nothing is changed.</summary>
    protected override Tensor DiscriminatorLoss(Tensor realLogits, Tensor fakeLogits) =>
        _s.Loss == GanLossKind.NonSaturating && !_s.LabelSmoothing
            ? base.DiscriminatorLoss(realLogits, fakeLogits)
            : GanLoss.DLoss(realLogits, fakeLogits, _s);

    /// <summary>Non-saturating (the plain update's own loss), saturating or hinge.</summary>
    protected override Tensor GeneratorLoss(Tensor fakeLogits) =>
        _s.Loss == GanLossKind.NonSaturating ? base.GeneratorLoss(fakeLogits) : GanLoss.GLoss(fakeLogits, _s);

    // What D sees: the augmented image, then instance noise on top, both differentiable, identical for real and fake.
    Tensor DInput(Tensor x, long iteration)
    {
        var y = _augment.IsEnabled ? _augment.Apply(x, _rng) : x;
        return _noise is null ? y : _noise.Apply(y, iteration, _rng);
    }

    Tensor NewNoise(Tensor like) => randn(like.shape, generator: _rng).to(like.device);

    // sqrt(sum ||grad||^2) as a 0-d tensor: no host synchronisation until the one transfer at the end of the step.
    static Tensor GradNorm(nn.Module module)
    {
        using var _ = no_grad();
        var squares = module.parameters().Select(p => p.grad).Where(g => g is not null && !g.IsInvalid)
            .Select(g => g!.pow(2).sum()).ToArray();
        return squares.Length == 0 ? zeros(1).squeeze() : stack(squares).sum().sqrt();
    }

    /// <summary>Disposes the optimizers and the EMA shadow (G and D belong to the caller).</summary>
    public override void Dispose()
    {
        _shadow?.Dispose();
        base.Dispose();
    }
}
