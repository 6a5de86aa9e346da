using WaifuLab.Data;
using static TorchSharp.torch;

namespace WaifuLab.Evaluation;

/// <summary>Does a conditional generator draw what it is asked for? Compares requested condition vectors with the classifier's reading of the images.</summary>
public static class GeneratedAttributeAccuracy
{
    /// <param name="images">Generated images (N,3,S,S) in [-1,1].</param>
    /// <param name="conditions">The condition vectors (N, schema width) they were generated from.</param>
    public static AttributeAccuracyReport Compute(AttributeClassifier classifier, Tensor images, Tensor conditions)
    {
        var schema = classifier.Schema;
        if (conditions.dim() != 2 || conditions.shape[1] != schema.Width)
            throw new ArgumentException($"conditions must have shape (N,{schema.Width}) for the classifier's schema, got ({string.Join(",", conditions.shape)})", nameof(conditions));
        if (conditions.shape[0] != images.shape[0])
            throw new ArgumentException($"{images.shape[0]} images but {conditions.shape[0]} condition vectors; they must pair up");
        if (images.shape[0] < 2)
            throw new ArgumentException("attribute accuracy needs at least 2 generated images", nameof(images));
        var measured = classifier.Predict(images);
        using var requested = conditions.to(float32, CPU);
        var result = new List<AttributeAccuracy>();
        int offset = 0;
        foreach (var a in schema.Attributes)
        {
            using var block = requested.narrow(1, offset, a.Width);
            if (a.Kind == AttributeKind.Categorical)
            {
                using var want = block.argmax(1);
                var asked = want.data<long>().ToArray();
                var got = measured.Classes(a.Name);
                double accuracy = asked.Zip(got).Average(p => p.First == p.Second ? 1.0 : 0.0);
                result.Add(new AttributeAccuracy(a.Name, a.Kind, accuracy, 1.0 / a.Width, double.NaN, double.NaN));
            }
            else
            {
                using var scaled = block.squeeze(1).to(float64).contiguous();
                var asked = scaled.data<double>().Select(v => a.Min + v * (a.Max - a.Min)).ToArray();
                var got = measured.Values(a.Name);
                result.Add(new AttributeAccuracy(a.Name, a.Kind, double.NaN, double.NaN,
                    Spearman.Compute(asked, got), asked.Zip(got).Average(p => Math.Abs(p.First - p.Second))));
            }
            offset += a.Width;
        }
        return new AttributeAccuracyReport(result, (int)images.shape[0]);
    }

    /// <summary>Generates from <paramref name="conditions"/> in batches with <paramref name="generate"/> (conditions (n,C) -> images (n,3,S,S)) and scores the result.</summary>
    public static AttributeAccuracyReport Compute(AttributeClassifier classifier, Func<Tensor, Tensor> generate, Tensor conditions, int batchSize = 100)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be positive");
        var parts = new List<Tensor>();
        try
        {
            for (long start = 0; start < conditions.shape[0]; start += batchSize)
            {
                using var batch = conditions.narrow(0, start, Math.Min(batchSize, conditions.shape[0] - start));
                var images = generate(batch);
                parts.Add(images.to(float32, CPU));
                if (!ReferenceEquals(parts[^1], images)) images.Dispose();
            }
            using var all = cat(parts, 0);
            return Compute(classifier, all, conditions);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }
}
