using TorchSharp;
using static TorchSharp.torch;

namespace WaifuLab.Stabilizers;

/// <summary>
/// One GAN iteration with every stabiliser of <see cref="StabilizerOptions"/> composed, for any G (z -&gt; images) and D
/// (images -&gt; logits): a reference for how the pieces fit, which the trainer mirrors. Order per iteration:
/// DSteps x [D on augment+noise(real) and augment+noise(G(z)) with the chosen loss (+ R1 on the augmented reals)],
/// then GSteps x [G through the same augment+noise], then the EMA update. Spectral norm is applied to D once, here.
/// </summary>
public sealed class StabilizedGanStep : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _g;
    private readonly nn.Module<Tensor, Tensor> _d;
    private readonly Func<long, Tensor> _sampleZ;
    private readonly optim.Optimizer _optD;
    private readonly optim.Optimizer _optG;
    private readonly InstanceNoise? _noise;
    private readonly DiffAugment _augment;
    private readonly Generator? _generator;

    /// <summary>The options in use.</summary>
    public StabilizerOptions Options { get; }

    /// <summary>The EMA of G (null when EmaBeta is 0): sample from <see cref="Ema.Shadow"/>.</summary>
    public Ema? Ema { get; }

    /// <summary>Iterations run so far (drives the instance-noise schedule).</summary>
    public long Iteration { get; private set; }

    /// <summary>
    /// Sets up optimisers (Adam, beta1 0.5 as in DCGAN; learning rates times the TTUR multipliers), spectral norm on D
    /// and the EMA. <paramref name="sampleZ"/> returns a batch of n latent vectors; <paramref name="gShadow"/> is a second
    /// instance of G's architecture, required when EmaBeta &gt; 0.
    /// </summary>
    public StabilizedGanStep(nn.Module<Tensor, Tensor> g, nn.Module<Tensor, Tensor> d, Func<long, Tensor> sampleZ,
        StabilizerOptions options, double learningRate = 2e-4, double beta1 = 0.5,
        nn.Module<Tensor, Tensor>? gShadow = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(sampleZ);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!(learningRate > 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "must be > 0");
        _g = g;
        _d = d;
        _sampleZ = sampleZ;
        _generator = generator;
        Options = options;
        if (options.SpectralNormD) SpectralNorm.Apply(d, generator);
        if (options.InstanceNoiseSigma0 > 0) _noise = new InstanceNoise(options.InstanceNoiseSigma0, options.InstanceNoiseAnnealIterations);
        _augment = new DiffAugment(options.DiffAugmentPolicy);
        if (options.EmaBeta > 0)
        {
            if (gShadow is null) throw new ArgumentException("EmaBeta > 0 needs gShadow: a second instance of G's architecture to hold the average", nameof(gShadow));
            Ema = new Ema(g, gShadow, options.EmaBeta, options.EmaRampup);
        }
        _optD = optim.Adam(d.parameters(), lr: learningRate * options.LrDMultiplier, beta1: beta1, beta2: 0.999);
        _optG = optim.Adam(g.parameters(), lr: learningRate * options.LrGMultiplier, beta1: beta1, beta2: 0.999);
    }

    /// <summary>Runs one iteration on a batch of real images (N,C,H,W) and returns its metrics.</summary>
    public GanStepMetrics Step(Tensor real)
    {
        ArgumentNullException.ThrowIfNull(real);
        long n = real.shape[0];
        long it = Iteration;
        double lossD = 0, r1 = 0, dReal = 0, dFake1 = 0, accReal = 0, accFake = 0, gradD = 0;
        _g.train();
        _d.train();
        for (int k = 0; k < Options.DSteps; k++)
        {
            using var scope = NewDisposeScope();
            _d.zero_grad();
            Tensor fake;
            using (no_grad()) fake = _g.call(_sampleZ(n));
            var realIn = DInput(real, it);
            if (Options.R1Gamma > 0) realIn = realIn.detach().requires_grad_(true);
            var realLogits = _d.call(realIn);
            var fakeLogits = _d.call(DInput(fake, it));
            var loss = GanLoss.DLoss(realLogits, fakeLogits, Options);
            if (Options.R1Gamma > 0)
            {
                var penalty = R1Penalty.FromLogits(realIn, realLogits, Options.R1Gamma);
                r1 = penalty.item<float>();
                loss = loss + penalty;
            }
            loss.backward();
            gradD = GradientNorms.Of(_d);
            _optD.step();
            lossD = loss.item<float>() - r1;
            dReal = DiscriminatorStats.MeanProbability(realLogits);
            dFake1 = DiscriminatorStats.MeanProbability(fakeLogits);
            accReal = DiscriminatorStats.RealAccuracy(realLogits);
            accFake = DiscriminatorStats.FakeAccuracy(fakeLogits);
        }

        double lossG = 0, dFake2 = 0, gradG = 0, outGrad = 0;
        for (int k = 0; k < Options.GSteps; k++)
        {
            using var scope = NewDisposeScope();
            _g.zero_grad();
            var fake = _g.call(_sampleZ(n));
            var fakeLogits = _d.call(DInput(fake, it));
            var loss = GanLoss.GLoss(fakeLogits, Options);
            outGrad = GradientNorms.AtOutput(loss, fake);
            loss.backward();
            gradG = GradientNorms.Of(_g);
            _optG.step();
            // G's backward also filled D's gradients; clear them so they cannot leak into D's next step.
            _d.zero_grad();
            lossG = loss.item<float>();
            dFake2 = DiscriminatorStats.MeanProbability(fakeLogits);
        }
        Ema?.Update();
        Iteration++;
        return new GanStepMetrics(it, lossD, lossG, r1, dReal, dFake1, dFake2, accReal, accFake, gradD, gradG, outGrad,
            _noise?.Sigma(it) ?? 0);
    }

    // What D sees: the augmented image, then instance noise on top (noise last, so D never sees a clean pixel).
    private Tensor DInput(Tensor x, long iteration)
    {
        var y = _augment.Apply(x, _generator);
        return _noise is null ? y : _noise.Apply(y, iteration, _generator);
    }

    /// <summary>Disposes the optimisers (the modules belong to the caller).</summary>
    public void Dispose()
    {
        _optD.Dispose();
        _optG.Dispose();
    }
}
