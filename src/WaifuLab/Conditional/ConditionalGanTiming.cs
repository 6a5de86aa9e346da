using TorchSharp;
using System.Diagnostics;
using static TorchSharp.torch;

namespace WaifuLab.Conditional;

/// <summary>
/// Times <see cref="ConditionalGanStep.Step"/> on random data for a model size and conditioning mode, for
/// <c>waifulab bench</c>-style comparisons (projection vs AC-GAN cost). Warm-up iterations are excluded.
/// </summary>
public static class ConditionalGanTiming
{
    /// <summary>Mean milliseconds per training iteration over <paramref name="iterations"/> timed steps.</summary>
    public static double MeasureStep(ConditionalGanOptions options, int batch, int iterations, int warmup = 1, Device? device = null)
    {
        options.Validate();
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be >= 1");
        if (iterations < 1) throw new ArgumentOutOfRangeException(nameof(iterations), iterations, "time at least one iteration");
        if (warmup < 0) throw new ArgumentOutOfRangeException(nameof(warmup), warmup, "warmup must be >= 0");
        device ??= CPU;
        using var g = new ConditionalGenerator(options);
        using var d = ConditionalDiscriminator.Create(options);
        g.to(device);
        d.to(device);
        using var optG = ConditionalGanStep.Adam(g);
        using var optD = ConditionalGanStep.Adam(d);
        using var labels = eye(options.ConditionSize).repeat((batch + options.ConditionSize - 1) / options.ConditionSize, 1).narrow(0, 0, batch);
        using var pool = new ConditionPool(labels);
        using var images = (rand(batch, 3, options.ImageSize, options.ImageSize) * 2 - 1).to(device);
        using var c = labels.to(device);
        var step = new ConditionalGanStep(g, d, optG, optD, pool);
        for (int i = 0; i < warmup; i++) step.Step(images, c);
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++) step.Step(images, c);
        return watch.Elapsed.TotalMilliseconds / iterations;
    }
}
