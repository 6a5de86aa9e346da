using WaifuLab.Models;
using WaifuLab.Models.Style;
using System.Diagnostics;
using TorchSharp;
using WaifuLab.Backend;
using WaifuLab.Conditional;
using WaifuLab.Evaluation;
using static TorchSharp.torch;

namespace WaifuLab.Projection;

/// <summary>
/// Finds (z, c) such that a conditional generator redraws a target image (GAN inversion by optimisation, as StyleGAN2's
/// projector): Adam on z and the condition's logits minimising pixel MSE plus, with a classifier, a distance between
/// its features, under a noise-regularised schedule; several restarts, the best kept.
/// </summary>
public static class Projector
{
    /// <summary>
    /// Projects <paramref name="target"/> ((3,S,S) or (1,3,S,S) in [-1,1], S the generator's image size) into
    /// <paramref name="g"/>. The classifier, when given, adds the feature loss and supplies the initial condition (its
    /// prediction) unless <see cref="ProjectionOptions.InitialCondition"/> is set. G runs in eval mode with its weights
    /// frozen; its mode and weights are restored. Restarts run as one batch: G in eval mode treats rows independently,
    /// and Adam is element-wise, so each restart follows exactly the path it would alone. <paramref name="progress"/>
    /// receives every restart's state after every step. Do not train G while it is projected into: its weights are frozen meanwhile.
    /// </summary>
    public static ProjectionResult Project(ConditionalGenerator g, Tensor target, ProjectionOptions? options = null,
        AttributeClassifier? features = null, IProgress<ProjectionStep>? progress = null, CancellationToken ct = default)
    {
        TorchBackend.EnsureLoaded();
        options = (options ?? new ProjectionOptions()).Validate();
        int size = g.Options.ImageSize, nz = g.Options.Nz, width = g.Options.ConditionSize, restarts = options.Restarts;
        var layout = g.Options.Layout;
        using var prepared = ProjectionTarget.Prepare(target, size);
        if (features is not null && features.ImageSize != size)
            throw new ArgumentException($"the classifier reads {features.ImageSize} px images but the generator draws {size} px; use a classifier trained at {size} px", nameof(features));
        var initial = InitialLogits(g, prepared, options, features);

        var clock = Stopwatch.StartNew();
        var device = DcganBlocks.DeviceOf(g);
        bool wasTraining = g.training;
        var weights = g.parameters().ToList();
        var frozen = weights.Select(p => p.requires_grad).ToArray();
        g.eval();
        foreach (var p in weights) p.requires_grad_(false);
        try
        {
            using var scope = NewDisposeScope();
            using var random = new Generator((ulong)options.Seed);
            var x0 = prepared.to(device);
            var targets = x0.expand(restarts, 3, size, size);
            Tensor? targetFeatures = null;
            // With a classifier the final feature distance is always reported; it costs a pass per step only when weighted.
            bool useFeatures = features is not null && options.FeatureWeight > 0;
            if (features is not null)
                using (no_grad()) targetFeatures = FeatureDistances.UnitRows(features!.FeaturesDifferentiable(x0)).detach();

            var z = nn.Parameter(randn([restarts, nz], generator: random).to(device));
            var logits = nn.Parameter(tensor(initial, [1, width]).repeat(restarts, 1).to(device), options.OptimizeCondition);
            var parameters = options.OptimizeCondition ? new[] { z, logits } : new[] { z };
            using var adam = optim.Adam(parameters, lr: options.Lr, beta1: 0.9, beta2: 0.999);

            var curve = Search(options, restarts, adam, noise =>
            {
                var zIn = noise > 0 ? z + randn([restarts, nz], generator: random).to(device) * noise : z;
                var (loss, pixel, _) = Losses(g, zIn, z, logits, layout, targets, useFeatures ? targetFeatures : null, features, options);
                return (loss, pixel);
            }, progress, ct);

            using var noGrad = no_grad();
            var (finalLoss, finalPixel, finalFeature) = Losses(g, z, z, logits, layout, targets, targetFeatures, features, options);
            var restartLosses = finalLoss.cpu().data<float>().Select(v => (double)v).ToArray();
            int best = Array.IndexOf(restartLosses, restartLosses.Min());
            var bestZ = z.detach()[best].reshape(1, nz);
            var bestC = ConditionLogits.ToCondition(logits.detach()[best].reshape(1, width), layout);
            var reconstruction = g.forward(bestZ, bestC);
            var conditionValues = bestC.cpu().data<float>().ToArray();
            return new ProjectionResult
            {
                Z = bestZ.cpu().MoveToOuterDisposeScope(),
                Condition = bestC.cpu().MoveToOuterDisposeScope(),
                Reconstruction = reconstruction.cpu().MoveToOuterDisposeScope(),
                PixelMse = finalPixel[best].item<float>(),
                FeatureDistance = finalFeature is null ? double.NaN : finalFeature[best].item<float>(),
                BestRestart = best,
                RestartLosses = restartLosses,
                Curve = curve,
                Schema = g.Options.Schema,
                Attributes = ConditionLogits.Describe(conditionValues, g.Options.Schema),
                Elapsed = clock.Elapsed,
            };
        }
        finally
        {
            for (int i = 0; i < weights.Count; i++) weights[i].requires_grad_(frozen[i]);
            if (wasTraining) g.train();
        }
    }

    /// <summary>
    /// Projects <paramref name="target"/> into a style generator's W (one w for every layer) or, with
    /// <paramref name="wPlus"/>, W+ (one w per layer), as StyleGAN2's projector: every restart starts at the tracked
    /// average w (plus a little noise of the ws' spread, so restarts differ), and the schedule's noise is in units of
    /// that spread. Same losses and schedule as <see cref="Project(ConditionalGenerator, Tensor, ProjectionOptions?, AttributeClassifier?, IProgress{ProjectionStep}?, CancellationToken)"/>
    /// (the latent term is not used: W has no Gaussian shell). G runs in eval mode (fixed noise) with its weights frozen;
    /// its mode and weights are restored.
    /// </summary>
    public static StyleProjectionResult Project(StyleGenerator g, Tensor target, bool wPlus, ProjectionOptions? options = null,
        AttributeClassifier? features = null, IProgress<ProjectionStep>? progress = null, CancellationToken ct = default)
    {
        TorchBackend.EnsureLoaded();
        options = (options ?? new ProjectionOptions()).Validate();
        int size = g.Options.ImageSize, layers = g.NumWs, restarts = options.Restarts;
        using var prepared = ProjectionTarget.Prepare(target, size);
        if (features is not null && features.ImageSize != size)
            throw new ArgumentException($"the classifier reads {features.ImageSize} px images but the generator draws {size} px; use a classifier trained at {size} px", nameof(features));
        var clock = Stopwatch.StartNew();
        var device = DcganBlocks.DeviceOf(g);
        bool wasTraining = g.training;
        var weights = g.parameters().ToList();
        var frozen = weights.Select(p => p.requires_grad).ToArray();
        g.eval();
        foreach (var p in weights) p.requires_grad_(false);
        try
        {
            using var scope = NewDisposeScope();
            using var random = new Generator((ulong)options.Seed);
            var x0 = prepared.to(device);
            var targets = x0.expand(restarts, 3, size, size);
            Tensor? targetFeatures = null;
            bool useFeatures = features is not null && options.FeatureWeight > 0;
            if (features is not null)
                using (no_grad()) targetFeatures = FeatureDistances.UnitRows(features.FeaturesDifferentiable(x0)).detach();
            Tensor wAvg, wStd;
            using (no_grad())
            {
                // The ws' spread around their average (StyleGAN2 uses 10,000 samples; 2,000 suffice for the scale).
                var sample = g.Map(randn([2000, g.Nz], generator: random).to(device), trackAverage: false).select(1, 0);
                wAvg = g.WAvg.clone();
                wStd = (sample - wAvg).square().sum(1).mean().sqrt();
            }
            long wDim = wAvg.shape[0];
            long[] shape = wPlus ? [restarts, layers, wDim] : [restarts, 1, wDim];
            var start = wAvg.reshape(1, 1, wDim).expand(shape) + randn(shape, generator: random).to(device) * wStd * 0.05 / Math.Sqrt(wDim);
            var w = nn.Parameter(start.contiguous());
            using var adam = optim.Adam([w], lr: options.Lr, beta1: 0.9, beta2: 0.999);
            Tensor Ws(Tensor v) => wPlus ? v : v.expand(restarts, layers, wDim);
            (Tensor Loss, Tensor Pixel, Tensor? Feature) StyleLosses(Tensor ws, Tensor? tf)
            {
                var images = g.Synthesize(ws);
                var pixel = (images - targets).square().mean([1, 2, 3]);
                var loss = pixel * options.PixelWeight;
                Tensor? feature = null;
                if (tf is not null)
                {
                    feature = (FeatureDistances.UnitRows(features!.FeaturesDifferentiable(images)) - tf).square().sum(1).to(pixel.device);
                    if (options.FeatureWeight > 0) loss = loss + feature * options.FeatureWeight;
                }
                return (loss, pixel, feature);
            }
            var curve = Search(options, restarts, adam, noise =>
            {
                var v = noise > 0 ? w + randn(shape, generator: random).to(device) * (wStd * noise / Math.Sqrt(wDim)) : w;
                var (loss, pixel, _) = StyleLosses(Ws(v), useFeatures ? targetFeatures : null);
                return (loss, pixel);
            }, progress, ct);

            using var noGrad = no_grad();
            var (finalLoss, finalPixel, finalFeature) = StyleLosses(Ws(w), targetFeatures);
            var restartLosses = finalLoss.cpu().data<float>().Select(v => (double)v).ToArray();
            int best = Array.IndexOf(restartLosses, restartLosses.Min());
            var bestWs = Ws(w.detach())[best].unsqueeze(0);
            return new StyleProjectionResult
            {
                Ws = bestWs.cpu().MoveToOuterDisposeScope(),
                WPlus = wPlus,
                Reconstruction = g.Synthesize(bestWs).cpu().MoveToOuterDisposeScope(),
                PixelMse = finalPixel[best].item<float>(),
                FeatureDistance = finalFeature is null ? double.NaN : finalFeature[best].item<float>(),
                BestRestart = best,
                RestartLosses = restartLosses,
                Curve = curve,
                Elapsed = clock.Elapsed,
            };
        }
        finally
        {
            for (int i = 0; i < weights.Count; i++) weights[i].requires_grad_(frozen[i]);
            if (wasTraining) g.train();
        }
    }

    /// <summary>
    /// StyleGAN2's projection schedule, shared by every latent space: per step the learning rate (warm-up, cosine
    /// ramp-down) and the noise scale, then one Adam step on the losses <paramref name="lossAt"/> gives for that noise
    /// (per restart: total, pixel MSE). Returns every restart's curve.
    /// </summary>
    static List<ProjectionStep> Search(ProjectionOptions options, int restarts, optim.Optimizer adam,
        Func<double, (Tensor Loss, Tensor Pixel)> lossAt, IProgress<ProjectionStep>? progress, CancellationToken ct)
    {
        var curve = new List<ProjectionStep>(options.Steps * restarts);
        for (int step = 0; step < options.Steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            using var stepScope = NewDisposeScope();
            double t = (double)step / options.Steps;
            double noise = options.NoiseStart * Math.Pow(Math.Max(0, 1 - t / options.NoiseRampLength), 2);
            double ramp = Math.Min(1, (1 - t) / options.LrRampDown);
            ramp = (0.5 - 0.5 * Math.Cos(Math.PI * ramp)) * Math.Min(1, (step + 1) / (options.LrRampUp * options.Steps));
            foreach (var group in adam.ParamGroups) group.LearningRate = options.Lr * ramp;

            var (loss, pixel) = lossAt(noise);
            adam.zero_grad();
            loss.sum().backward();
            adam.step();

            var losses = loss.detach().cpu().data<float>().ToArray();
            var pixels = pixel.detach().cpu().data<float>().ToArray();
            for (int r = 0; r < restarts; r++)
            {
                var s = new ProjectionStep(r, step, losses[r], pixels[r]);
                curve.Add(s);
                progress?.Report(s);
            }
        }
        return curve;
    }

    /// <summary>The data's mean condition (an <see cref="ProjectionOptions.InitialCondition"/> when no classifier is at hand).</summary>
    public static float[] MeanCondition(ConditionPool pool)
    {
        using var mean = pool.Rows.mean([0]);
        return mean.data<float>().ToArray();
    }

    /// <summary>Per-restart losses: (total, pixel MSE, feature distance or null), each (R).</summary>
    static (Tensor Loss, Tensor Pixel, Tensor? Feature) Losses(ConditionalGenerator g, Tensor zIn, Tensor z, Tensor logits,
        ConditionLayout layout, Tensor targets, Tensor? targetFeatures, AttributeClassifier? features, ProjectionOptions options)
    {
        var c = ConditionLogits.ToCondition(logits, layout);
        var images = g.forward(zIn, c);
        var pixel = (images - targets).square().mean([1, 2, 3]);
        var loss = pixel * options.PixelWeight;
        Tensor? feature = null;
        if (targetFeatures is not null)
        {
            // The classifier may sit on another device than G (a CPU classifier with a GPU generator).
            feature = (FeatureDistances.UnitRows(features!.FeaturesDifferentiable(images)) - targetFeatures).square().sum(1).to(pixel.device);
            if (options.FeatureWeight > 0) loss = loss + feature * options.FeatureWeight;
        }
        if (options.LatentWeight > 0)
            loss = loss + (z.square().mean([1]) - 1).square() * options.LatentWeight;
        return (loss, pixel, feature);
    }

    static float[] InitialLogits(ConditionalGenerator g, Tensor target, ProjectionOptions options, AttributeClassifier? classifier)
    {
        var layout = g.Options.Layout;
        int width = g.Options.ConditionSize;
        if (options.InitialCondition is { } given)
        {
            if (given.Length != width)
                throw new ArgumentException($"InitialCondition has {given.Length} entries; the generator's condition has {width}");
            return ConditionLogits.FromCondition(given, layout, options.ConditionSmoothing);
        }
        if (classifier is null)
            return ConditionLogits.FromCondition(new float[width], layout, 1.0); // uniform / middle
        if (classifier.Schema.Width != width || (g.Options.Schema is { } schema &&
            !schema.Attributes.Select(a => a.Name).SequenceEqual(classifier.Schema.Attributes.Select(a => a.Name), StringComparer.OrdinalIgnoreCase)))
            throw new ArgumentException($"the classifier reads attributes ({string.Join(", ", classifier.Schema.Attributes)}) that do not match the generator's condition (width {width}); use the classifier of the generator's dataset or set InitialCondition");
        using var predicted = classifier.PredictVectors(target);
        return ConditionLogits.FromCondition(predicted.data<float>().ToArray(), layout, options.ConditionSmoothing);
    }
}
