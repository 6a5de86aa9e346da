using WaifuLab.Conditional;
using WaifuLab.Training;
using static TorchSharp.torch;

namespace WaifuLab.Evaluation;

/// <summary>
/// How well a conditional run draws what it is asked for: a number of condition vectors drawn from the
/// data's label rows (so combinations are realistic), one face each from seeded noise, read back by the independent
/// <see cref="AttributeClassifier"/>. The measurement notebook 04 reports and `waifulab eval` prints.
/// </summary>
public static class AttributeControl
{
    public static AttributeAccuracyReport Measure(AttributeClassifier classifier, GanTrainer trainer, int count, long seed)
    {
        if (!trainer.IsConditional || trainer.Labels is null)
            throw new ArgumentException("attribute control needs a conditional run (trained with labels); this one is unconditional", nameof(trainer));
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), count, "attribute control needs at least 2 generated faces");
        var pool = trainer.ConditionPool ?? throw new InvalidOperationException("the run has no condition rows yet: train it or load a checkpoint");
        using var requested = AttributeRequest.Fill(AttributeRequest.None(trainer.Labels), pool, count, seed + 7);
        long zSeed = seed + 1000;
        int nz = trainer.Options.Model.Nz;
        return GeneratedAttributeAccuracy.Compute(classifier, c =>
        {
            using var zGen = new Generator((ulong)zSeed++);
            using var z = randn([c.shape[0], nz], generator: zGen);
            return trainer.Generate(z, c);
        }, requested);
    }
}
