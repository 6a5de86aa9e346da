using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace WaifuLab.Training;

/// <summary>
/// One GAN iteration, and nothing else: D on a real batch (target 1) and on a detached fake batch (target 0), one Adam
/// step of D; then G through D with the non-saturating loss (fakes labelled real), one Adam step of G.
/// This is the seam for variants: override the loss functions (hinge, Wasserstein, label smoothing), the
/// <see cref="Generate"/>/<see cref="Discriminate"/> calls (conditional inputs), or <see cref="AfterDiscriminatorBackward"/>
/// (gradient penalties, clipping, norms into <see cref="UpdateResult.Extra"/>). The trainer only calls <see cref="Step"/>.
/// </summary>
public class GanUpdate : IDisposable
{
    public GanUpdate(nn.Module<Tensor, Tensor> generator, nn.Module<Tensor, Tensor> discriminator, TrainOptions options)
    {
        Generator = generator;
        Discriminator = discriminator;
        OptimizerG = optim.Adam(generator.parameters(), lr: options.LrG, beta1: options.Beta1, beta2: options.Beta2);
        OptimizerD = optim.Adam(discriminator.parameters(), lr: options.LrD, beta1: options.Beta1, beta2: options.Beta2);
    }

    public nn.Module<Tensor, Tensor> Generator { get; }
    public nn.Module<Tensor, Tensor> Discriminator { get; }
    public Adam OptimizerG { get; }
    public Adam OptimizerD { get; }

    /// <summary>Runs one D step and one G step on <paramref name="batch"/>; all temporaries are disposed before it returns.</summary>
    public virtual UpdateResult Step(GanBatch batch)
    {
        using var scope = NewDisposeScope();
        var extra = new Dictionary<string, double>();

        // D step. zero_grad also clears what the previous G backward left in D's gradients.
        OptimizerD.zero_grad();
        var realLogits = Discriminate(batch.Real, batch.Conditions);
        var fake = Generate(batch.Noise, batch.Conditions);
        var fakeLogits = Discriminate(fake.detach(), batch.Conditions);
        var lossD = DiscriminatorLoss(realLogits, fakeLogits);
        lossD.backward();
        AfterDiscriminatorBackward(extra);
        OptimizerD.step();

        // G step through the updated D; G's gradients come only from here (the D step used a detached fake).
        OptimizerG.zero_grad();
        var fakeLogitsAfter = Discriminate(fake, batch.Conditions);
        var lossG = GeneratorLoss(fakeLogitsAfter);
        lossG.backward();
        AfterGeneratorBackward(extra);
        OptimizerG.step();

        // One transfer for all five numbers instead of five synchronising item() calls.
        using var _ = no_grad();
        var stats = stack([lossD.detach(), lossG.detach(), realLogits.detach().sigmoid().mean(),
            fakeLogits.detach().sigmoid().mean(), fakeLogitsAfter.detach().sigmoid().mean()]).to(float64).cpu();
        var v = stats.data<double>().ToArray();
        return new UpdateResult(v[0], v[1], v[2], v[3], v[4]) { Extra = extra.Count > 0 ? extra : null };
    }

    /// <summary>G's forward; conditional variants override it to use <paramref name="conditions"/>.</summary>
    protected virtual Tensor Generate(Tensor noise, Tensor? conditions)
    {
        if (conditions is not null) throw new NotSupportedException($"{GetType().Name} is unconditional: its batches must not carry conditions");
        return Generator.forward(noise);
    }

    /// <summary>D's forward, returning one logit per image.</summary>
    protected virtual Tensor Discriminate(Tensor images, Tensor? conditions)
    {
        if (conditions is not null) throw new NotSupportedException($"{GetType().Name} is unconditional: its batches must not carry conditions");
        return Discriminator.forward(images);
    }

    /// <summary>Standard GAN discriminator loss: BCE(D(x), 1) + BCE(D(G(z)), 0).</summary>
    protected virtual Tensor DiscriminatorLoss(Tensor realLogits, Tensor fakeLogits) =>
        F.binary_cross_entropy_with_logits(realLogits, ones_like(realLogits)) +
        F.binary_cross_entropy_with_logits(fakeLogits, zeros_like(fakeLogits));

    /// <summary>Non-saturating generator loss: BCE(D(G(z)), 1), i.e. maximise log D(G(z)).</summary>
    protected virtual Tensor GeneratorLoss(Tensor fakeLogits) =>
        F.binary_cross_entropy_with_logits(fakeLogits, ones_like(fakeLogits));

    /// <summary>Hook between D's backward and its optimizer step (gradient penalties, clipping, metrics).</summary>
    protected virtual void AfterDiscriminatorBackward(IDictionary<string, double> extra) { }

    /// <summary>Hook between G's backward and its optimizer step.</summary>
    protected virtual void AfterGeneratorBackward(IDictionary<string, double> extra) { }

    public virtual void Dispose()
    {
        OptimizerG.Dispose();
        OptimizerD.Dispose();
        GC.SuppressFinalize(this);
    }
}
