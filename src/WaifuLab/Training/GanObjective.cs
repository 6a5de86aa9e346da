using TorchSharp;
using WaifuLab.Conditional;
using WaifuLab.Models;
using WaifuLab.Models.Style;
using WaifuLab.Stabilizers;
using static TorchSharp.torch;

namespace WaifuLab.Training;

/// <summary>
/// The GAN objective: D's and G's losses from the terms of <see cref="ObjectiveOptions"/>, for any G(z, c) and D(x, c)
/// (c null when the run is unconditional), and the iteration that minimises them. Per iteration:
/// DSteps x [D on augment+noise(real) and augment+noise(G(z)): adversarial loss (+ attribute loss) (+ R1 on the
/// augmented reals)], then GSteps x [G through the same augment+noise: adversarial loss (+ attribute loss)
/// (+ mode-seeking term)]. The first D and G steps share one fake batch drawn from the batch's noise; extra steps draw
/// fresh noise (and conditions) from the run's generator, as do DiffAugment and instance noise, so a resumed run repeats.
/// A new loss term is a field in <see cref="ObjectiveOptions"/> and a line in <see cref="DiscriminatorLoss"/> or
/// <see cref="GeneratorLoss"/>.
/// <para>
/// With instrumentation on (the trainer's D-dominance instrumentation) each step also reports d_acc_real,
/// d_acc_fake (D's accuracy at logit 0), grad_norm_d, grad_norm_g (parameter-gradient L2 norms of the last steps) and
/// grad_norm_g_out (||dLoss_G/dG(z)||, the gradient G receives at its images). Every number is copied to the host in one
/// transfer at the end of the step.
/// </para>
/// </summary>
public sealed class GanObjective
{
    readonly ObjectiveOptions _o;
    readonly nn.Module _gModule, _dModule;
    readonly IGanGenerator _g;
    readonly StyleGenerator? _style;
    readonly IGanDiscriminator _d;
    readonly Generator _rng;
    readonly ConditionLayout? _layout;
    readonly Func<int, Device, Tensor>? _drawFakeConditions;
    readonly InstanceNoise? _noise;
    readonly DiffAugment _augment;
    readonly bool _instrument;

    /// <summary>
    /// The objective of <paramref name="g"/> and <paramref name="d"/> (from <see cref="ModelFactory"/>).
    /// <paramref name="rng"/> is the run's per-iteration generator (checkpointed by the trainer). A conditional run gives
    /// the layout of c (for the attribute loss) and <paramref name="drawFakeConditions"/>, which draws n fake conditions
    /// for the extra steps.
    /// </summary>
    public GanObjective(ObjectiveOptions options, nn.Module g, nn.Module d, Generator rng, bool instrument = false,
        ConditionLayout? layout = null, Func<int, Device, Tensor>? drawFakeConditions = null)
    {
        _o = (options ?? throw new ArgumentNullException(nameof(options))).Validate();
        _gModule = g;
        _dModule = d;
        _g = g as IGanGenerator ?? throw new ArgumentException($"{g.GetType().Name} is not an IGanGenerator", nameof(g));
        _d = d as IGanDiscriminator ?? throw new ArgumentException($"{d.GetType().Name} is not an IGanDiscriminator", nameof(d));
        _rng = rng ?? throw new ArgumentNullException(nameof(rng));
        _style = g as StyleGenerator;
        if (_o.StyleMixingProbability > 0 && _style is null)
            throw new ArgumentException($"style mixing needs a style generator (architecture '{ModelFactory.Style}'), not {g.GetType().Name}: set StyleMixingProbability to 0", nameof(options));
        if (_style is not null) _style.NoiseSource = rng; // G's per-layer noise from the run's stream, so a resume repeats
        _layout = layout;
        _drawFakeConditions = drawFakeConditions;
        _instrument = instrument;
        if (_o.InstanceNoiseSigma0 > 0) _noise = new InstanceNoise(_o.InstanceNoiseSigma0, _o.InstanceNoiseAnnealIterations);
        _augment = new DiffAugment(_o.DiffAugmentPolicy);
    }

    public ObjectiveOptions Options => _o;

    /// <summary>Iterations run (drives the instance-noise schedule and lazy R1); the trainer sets it on resume.</summary>
    public long Iteration { get; set; }

    /// <summary>One iteration on <paramref name="batch"/> with the run's two optimisers; all temporaries are disposed before it returns.</summary>
    public UpdateResult Step(GanBatch batch, optim.Optimizer optimizerG, optim.Optimizer optimizerD)
    {
        using var scope = NewDisposeScope();
        long it = Iteration;
        var c = batch.Conditions;
        bool r1Now = _o.R1Gamma > 0 && it % _o.R1Every == 0;
        // Training mode for both (sampling puts G in eval mode and back; a caller may not have), checked before set.
        if (!_gModule.training) _gModule.train();
        if (!_dModule.training) _dModule.train();

        Tensor lossD = null!, gradD = null!, r1 = null!;
        Tensor? auxD = null;
        DiscriminatorOutput real = default, fakeD = default;
        Tensor fake = null!, z0 = batch.Noise;
        Tensor? c0 = batch.FakeConditions;
        for (int k = 0; k < _o.DSteps; k++)
        {
            // zero_grad also clears what the previous G backward left in D's gradients.
            optimizerD.zero_grad();
            var realIn = DInput(batch.Real, it);
            if (r1Now) realIn = realIn.detach().requires_grad_(true);
            real = _d.Judge(realIn, c);
            var (z, fc) = k == 0 ? (z0, c0) : Draw(batch);
            var f = Fake(z, fc);
            if (k == 0) fake = f;
            fakeD = _d.Judge(DInput(f.detach(), it), fc);
            (lossD, auxD) = DiscriminatorLoss(real, fakeD, c);
            var total = lossD;
            if (r1Now)
            {
                // Lazy R1 weighs the penalty by its interval, so its average strength does not depend on it.
                r1 = R1Penalty.FromLogits(realIn, real.Logit, _o.R1Gamma * _o.R1Every);
                total = lossD + r1;
            }
            total.backward();
            if (_instrument) gradD = GradNorm(_dModule);
            optimizerD.step();
        }

        Tensor lossG = null!, gradG = null!, gradOut = null!;
        Tensor? auxG = null, modeSeeking = null;
        DiscriminatorOutput fakeG = default;
        for (int k = 0; k < _o.GSteps; k++)
        {
            optimizerG.zero_grad();
            var (z, fc) = k == 0 ? (z0, c0) : Draw(batch);
            var f = k == 0 ? fake : Fake(z, fc);
            // G's gradient at its output images: the signal that vanishes when D wins with the saturating loss.
            if (_instrument) f.retain_grad();
            fakeG = _d.Judge(DInput(f, it), fc);
            (lossG, auxG, modeSeeking) = GeneratorLoss(fakeG, fc, f, z);
            lossG.backward();
            if (_instrument)
            {
                gradG = GradNorm(_gModule);
                gradOut = f.grad is { } og ? og.detach().norm() : zeros(1).squeeze();
            }
            optimizerG.step();
        }
        // G's backward filled D's gradients too; D's next zero_grad clears them.
        Iteration++;
        return Report(it, lossD, lossG, real.Logit, fakeD.Logit, fakeG.Logit, auxD, auxG, modeSeeking,
            _instrument ? [gradD, gradG, gradOut] : null, r1Now ? r1 : null);
    }

    /// <summary>
    /// D's loss: the adversarial term on real and fake batches, plus the attribute loss of D's head on the real
    /// images' conditions (AC-GAN; D's head learns from real images only). Returns the total and the attribute term.
    /// </summary>
    (Tensor Loss, Tensor? Aux) DiscriminatorLoss(DiscriminatorOutput real, DiscriminatorOutput fake, Tensor? conditions)
    {
        var loss = GanLoss.DLoss(real.Logit, fake.Logit, _o.Loss, _o.RealTarget);
        if (real.Attributes is null) return (loss, null);
        var aux = AuxiliaryLoss.Compute(real.Attributes, conditions!, _layout!);
        return (loss + _o.AuxWeight * aux, aux);
    }

    /// <summary>
    /// G's loss: the adversarial term, plus the attribute loss on the requested conditions (AC-GAN), plus the
    /// mode-seeking term on the batch's paired halves. Returns the total and the two extra terms.
    /// </summary>
    (Tensor Loss, Tensor? Aux, Tensor? ModeSeeking) GeneratorLoss(DiscriminatorOutput fake, Tensor? fakeConditions, Tensor images, Tensor z)
    {
        var loss = GanLoss.GLoss(fake.Logit, _o.Loss);
        Tensor? aux = null, ms = null;
        if (fake.Attributes is not null)
        {
            aux = AuxiliaryLoss.Compute(fake.Attributes, fakeConditions!, _layout!);
            loss = loss + _o.AuxWeight * aux;
        }
        if (_o.ModeSeekingWeight > 0)
        {
            ms = ModeSeekingLoss.Compute(images, z);
            loss = loss + _o.ModeSeekingWeight * ms;
        }
        return (loss, aux, ms);
    }

    /// <summary>
    /// The D-dominance detector's thresholds for a run: its own, but judged by D's accuracy whenever the loss makes
    /// probabilities meaningless (hinge margins, smoothed targets; see <see cref="DominanceSignal"/>).
    /// </summary>
    public static DominanceOptions DetectorOptions(ObjectiveOptions objective, DominanceOptions dominance) =>
        objective.Loss == GanLossKind.Hinge || objective.LabelSmoothing ? dominance with { Signal = DominanceSignal.Accuracy } : dominance;

    // G's images; a style G mixes two latents' ws at a random layer with the style-mixing probability (as
    // stylegan2-ada's StyleGAN2Loss.run_G: the second latent does not move the tracked w average).
    Tensor Fake(Tensor z, Tensor? c)
    {
        if (_style is null || _o.StyleMixingProbability == 0) return _g.Generate(z, c);
        var ws = _style.Map(z);
        int layers = _style.NumWs;
        using var draw = rand([2], generator: _rng);
        var u = draw.data<float>().ToArray();
        int cutoff = u[0] < _o.StyleMixingProbability ? 1 + (int)Math.Min(layers - 2, Math.Floor(u[1] * (layers - 1))) : layers;
        if (cutoff < layers)
        {
            var other = _style.Map(randn(z.shape, generator: _rng).to(z.device), trackAverage: false);
            ws = cat([ws.narrow(1, 0, cutoff), other.narrow(1, cutoff, layers - cutoff)], 1);
        }
        return _style.Synthesize(ws);
    }

    // What D sees: the augmented image, then instance noise on top, both differentiable, identical for real and fake.
    Tensor DInput(Tensor x, long iteration)
    {
        var y = _augment.IsEnabled ? _augment.Apply(x, _rng) : x;
        return _noise is null ? y : _noise.Apply(y, iteration, _rng);
    }

    // Fresh noise (and fake conditions) for an extra D or G step.
    (Tensor Z, Tensor? C) Draw(GanBatch batch)
    {
        var z = randn(batch.Noise.shape, generator: _rng).to(batch.Noise.device);
        var c = batch.FakeConditions is null ? null : _drawFakeConditions!((int)batch.Noise.shape[0], batch.Noise.device);
        return (z, c);
    }

    // sqrt(sum ||grad||^2) as a 0-d tensor: no host synchronisation until the one transfer at the end of the step.
    static Tensor GradNorm(nn.Module module)
    {
        using var _ = no_grad();
        var squares = module.parameters().Select(p => p.grad).Where(g => g is not null && !g.IsInvalid)
            .Select(g => g!.pow(2).sum()).ToArray();
        return squares.Length == 0 ? zeros(1).squeeze() : stack(squares).sum().sqrt();
    }

    // One transfer for every number of the step instead of a synchronising item() call each.
    UpdateResult Report(long it, Tensor lossD, Tensor lossG, Tensor realLogits, Tensor fakeLogits, Tensor fakeLogitsAfter,
        Tensor? auxD, Tensor? auxG, Tensor? modeSeeking, Tensor[]? grads, Tensor? r1)
    {
        using var _ = no_grad();
        var values = new List<Tensor>
        {
            lossD.detach(), lossG.detach(), realLogits.detach().sigmoid().mean(), fakeLogits.detach().sigmoid().mean(),
            fakeLogitsAfter.detach().sigmoid().mean(),
        };
        var keys = new List<string>();
        void Add(string key, Tensor t) { keys.Add(key); values.Add(t.detach()); }
        if (auxD is not null) Add("aux_d", auxD);
        if (auxG is not null) Add("aux_g", auxG);
        if (modeSeeking is not null) Add("mode_seeking", modeSeeking);
        if (grads is not null)
        {
            Add("d_acc_real", realLogits.detach().gt(0).to(float32).mean());
            Add("d_acc_fake", fakeLogits.detach().lt(0).to(float32).mean());
            Add("grad_norm_d", grads[0]);
            Add("grad_norm_g", grads[1]);
            Add("grad_norm_g_out", grads[2]);
        }
        if (r1 is not null) Add("r1", r1);
        var v = stack(values.Select(t => t.to(float64).reshape(1)).ToArray()).view(-1).cpu().data<double>().ToArray();
        Dictionary<string, double>? extra = null;
        if (keys.Count > 0 || _noise is not null)
        {
            extra = new Dictionary<string, double>();
            for (int i = 0; i < keys.Count; i++) extra[keys[i]] = v[5 + i];
            if (_noise is not null) extra["noise_sigma"] = _noise.Sigma(it);
        }
        return new UpdateResult(v[0], v[1], v[2], v[3], v[4]) { Extra = extra };
    }
}
