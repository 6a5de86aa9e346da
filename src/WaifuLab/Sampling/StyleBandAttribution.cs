using WaifuLab.Data;
using WaifuLab.Evaluation;
using WaifuLab.Models.Style;
using static TorchSharp.torch;

namespace WaifuLab.Sampling;

/// <summary>One attribute's outcome over the style mixes: how often the mixed face's predicted value follows each source.</summary>
/// <param name="Attribute">The attribute's name in the classifier's schema.</param>
/// <param name="Informative">Mixes whose two sources the classifier reads differently (only these can show which one is followed).</param>
/// <param name="FollowsCoarse">Share of the informative mixes that follow the source of the coarse layers.</param>
/// <param name="FollowsFine">Share that follow the source of the other (middle and fine) layers.</param>
public sealed record BandAttributionRow(string Attribute, int Informative, double FollowsCoarse, double FollowsFine)
{
    /// <summary>Share that follows neither source (a third value, or a mouth opening nearer neither).</summary>
    public double Neither => Informative == 0 ? double.NaN : 1 - FollowsCoarse - FollowsFine;
}

/// <summary>
/// What a style generator's coarse layers control, measured with an attribute classifier: for each of
/// <c>count</c> pairs of faces (A, B), the mix takes A's ws at the coarse layers (4-8 px) and B's at the rest; an
/// attribute follows the coarse source when the classifier reads the mix as it reads A, the fine source when it reads
/// it as B. A continuous attribute follows the source it is nearer to. Pairs the classifier reads alike are left out.
/// <c>mixed</c> limits A's coarse ws to the convolutions or to the toRGB layers (<see cref="MixedLayers"/>).
/// </summary>
public static class StyleBandAttribution
{
    public static IReadOnlyList<BandAttributionRow> Measure(StyleGenerator g, AttributeClassifier classifier, int count, long seed, int batchSize = 100,
        MixedLayers mixed = MixedLayers.Both)
    {
        if (count < 1 || count > 100_000) throw new ArgumentOutOfRangeException(nameof(count), $"mixes must be 1-100000, got {count}");
        if (classifier.ImageSize != g.Options.ImageSize)
            throw new ArgumentException($"the classifier reads {classifier.ImageSize} px images but G draws {g.Options.ImageSize} px; train the classifier at G's size");
        var (first, last) = StyleMixing.Band(g, "coarse");
        var predA = new List<AttributePredictions>();
        var predB = new List<AttributePredictions>();
        var predMix = new List<AttributePredictions>();
        for (int done = 0; done < count; done += batchSize)
        {
            int n = Math.Min(batchSize, count - done);
            using var scope = NewDisposeScope();
            var wa = StyleMixing.Ws(g, n, seed + 2L * done);
            var wb = StyleMixing.Ws(g, n, seed + 2L * done + 1);
            predA.Add(classifier.Predict(StyleMixing.Synthesize(g, wa)));
            predB.Add(classifier.Predict(StyleMixing.Synthesize(g, wb)));
            predMix.Add(classifier.Predict(StyleMixing.Mixed(g, wa, wb, first, last, mixed)));
        }
        var rows = new List<BandAttributionRow>();
        foreach (var spec in classifier.Schema.Attributes)
        {
            int informative = 0, coarse = 0, fine = 0;
            for (int k = 0; k < predA.Count; k++)
            {
                if (spec.Kind == AttributeKind.Categorical)
                {
                    int[] a = predA[k].Classes(spec.Name), b = predB[k].Classes(spec.Name), m = predMix[k].Classes(spec.Name);
                    for (int i = 0; i < a.Length; i++)
                    {
                        if (a[i] == b[i]) continue;
                        informative++;
                        if (m[i] == a[i]) coarse++; else if (m[i] == b[i]) fine++;
                    }
                }
                else
                {
                    double[] a = predA[k].Values(spec.Name), b = predB[k].Values(spec.Name), m = predMix[k].Values(spec.Name);
                    // a difference under a tenth of the range is within the classifier's error: not informative
                    double tie = 0.1 * (spec.Max - spec.Min);
                    for (int i = 0; i < a.Length; i++)
                    {
                        if (Math.Abs(a[i] - b[i]) < tie) continue;
                        informative++;
                        double da = Math.Abs(m[i] - a[i]), db = Math.Abs(m[i] - b[i]);
                        if (da < db) coarse++; else fine++;
                    }
                }
            }
            rows.Add(informative == 0
                ? new BandAttributionRow(spec.Name, 0, double.NaN, double.NaN)
                : new BandAttributionRow(spec.Name, informative, (double)coarse / informative, (double)fine / informative));
        }
        return rows;
    }
}
