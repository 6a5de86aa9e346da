using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace WaifuLab.Conditional;

/// <summary>
/// One conditional GAN training iteration, the DCGAN recipe with conditions: D learns real (x, c) pairs as real and
/// (G(z, c'), c') as fake, with G's output detached; then G is updated to make D call (G(z, c'), c') real
/// (non-saturating loss, BCE with logits). AC-GAN adds <see cref="ConditionalGanOptions.AuxWeight"/> times the
/// attribute loss on real images (their labels) to D's loss, and on fakes (the requested c') to G's. D's classifier
/// does not learn from fakes, unlike the original AC-GAN: given fakes labelled with what was requested, D and G agree
/// on a code no one else can read (measured: D's attribute loss fell while an independent classifier found the hair
/// colour of G's faces at chance, 13.9 %). Real-only classification for D is StarGAN's choice.
/// c' is drawn from <see cref="ConditionPool"/>, so requested attribute combinations match the data's.
/// </summary>
public sealed class ConditionalGanStep
{
    private readonly Generator noise;

    public ConditionalGanStep(ConditionalGenerator generator, ConditionalDiscriminator discriminator,
        optim.Optimizer optimizerG, optim.Optimizer optimizerD, ConditionPool pool, long seed = 0)
    {
        if (generator.Options.ConditionSize != discriminator.Options.ConditionSize || pool.Width != generator.Options.ConditionSize)
            throw new ArgumentException($"condition widths disagree: G takes {generator.Options.ConditionSize}, D {discriminator.Options.ConditionSize}, the pool holds {pool.Width}");
        if (generator.Options.ImageSize != discriminator.Options.ImageSize)
            throw new ArgumentException($"G makes {generator.Options.ImageSize} px images but D judges {discriminator.Options.ImageSize} px");
        G = generator;
        D = discriminator;
        OptimizerG = optimizerG;
        OptimizerD = optimizerD;
        Pool = pool;
        Layout = discriminator.Options.Layout;
        noise = new Generator((ulong)seed);
    }

    public ConditionalGenerator G { get; }
    public ConditionalDiscriminator D { get; }
    public optim.Optimizer OptimizerG { get; }
    public optim.Optimizer OptimizerD { get; }
    public ConditionPool Pool { get; }
    public ConditionLayout Layout { get; }

    /// <summary>Trains on one real batch: images (N,3,S,S) and their conditions (N,C), on the models' device.</summary>
    public ConditionalStepResult Step(Tensor images, Tensor conditions)
    {
        using var scope = NewDisposeScope();
        int n = (int)images.shape[0];
        var z = randn([n, G.Options.Nz], generator: noise).to(images.device);
        var fakeC = D.Options.ModeSeekingWeight > 0 ? ModeSeekingLoss.Paired(Pool.Sample((n + 1) / 2, images.device), n) : Pool.Sample(n, images.device);
        return Update(G, D, OptimizerG, OptimizerD, images, conditions, z, fakeC);
    }

    /// <summary>
    /// The update itself, with the noise <paramref name="z"/> (N,nz) and fake conditions <paramref name="fakeConditions"/>
    /// (N,C) drawn by the caller (GanTrainer draws them from its checkpointed generator, so resumed runs repeat).
    /// All tensors on the models' device. With <see cref="ConditionalGanOptions.ModeSeekingWeight"/> set (on D's options,
    /// which carry the run's loss weights) the two halves of <paramref name="fakeConditions"/> must be equal
    /// (<see cref="ModeSeekingLoss.Paired"/>).
    /// </summary>
    public static ConditionalStepResult Update(ConditionalGenerator G, ConditionalDiscriminator D,
        optim.Optimizer optimizerG, optim.Optimizer optimizerD, Tensor images, Tensor conditions, Tensor z, Tensor fakeConditions)
    {
        using var scope = NewDisposeScope();
        var device = images.device;
        int n = (int)images.shape[0];
        double auxWeight = D.Options.AuxWeight;
        var layout = D.Options.Layout;
        var fakeC = fakeConditions;
        G.train();
        D.train();

        var ones = torch.ones(n, device: device);
        var zeros = torch.zeros(n, device: device);

        // D step: real pairs towards 1, detached fake pairs towards 0.
        optimizerD.zero_grad();
        var real = D.Judge(images, conditions);
        var fake = G.forward(z, fakeC);
        var fakeD = D.Judge(fake.detach(), fakeC);
        var lossD = binary_cross_entropy_with_logits(real.Logit, ones) + binary_cross_entropy_with_logits(fakeD.Logit, zeros);
        double auxD = 0;
        if (real.Attributes is not null)
        {
            var aux = AuxiliaryLoss.Compute(real.Attributes, conditions, layout);
            auxD = aux.item<float>();
            lossD = lossD + auxWeight * aux;
        }
        lossD.backward();
        optimizerD.step();

        // G step: the same fakes, judged by the updated D, towards 1 (non-saturating). This also fills D's gradients,
        // which D's next zero_grad clears.
        optimizerG.zero_grad();
        var fakeG = D.Judge(fake, fakeC);
        var lossG = binary_cross_entropy_with_logits(fakeG.Logit, ones);
        double auxG = 0;
        if (fakeG.Attributes is not null)
        {
            var aux = AuxiliaryLoss.Compute(fakeG.Attributes, fakeC, layout);
            auxG = aux.item<float>();
            lossG = lossG + auxWeight * aux;
        }
        double modeSeeking = 0;
        if (D.Options.ModeSeekingWeight > 0)
        {
            var ms = ModeSeekingLoss.Compute(fake, z);
            modeSeeking = ms.item<float>();
            lossG = lossG + D.Options.ModeSeekingWeight * ms;
        }
        lossG.backward();
        optimizerG.step();

        return new ConditionalStepResult(
            lossD.item<float>(), lossG.item<float>(),
            MeanProbability(real.Logit), MeanProbability(fakeD.Logit), MeanProbability(fakeG.Logit), auxD, auxG) { ModeSeeking = modeSeeking };
    }

    private static double MeanProbability(Tensor logit)
    {
        using var _ = no_grad();
        return logit.sigmoid().mean().item<float>();
    }

    /// <summary>Adam with the DCGAN settings (lr 2e-4, beta1 0.5) for a model.</summary>
    public static optim.Optimizer Adam(nn.Module model, double lr = 2e-4, double beta1 = 0.5) =>
        optim.Adam(model.parameters(), lr: lr, beta1: beta1, beta2: 0.999);
}
