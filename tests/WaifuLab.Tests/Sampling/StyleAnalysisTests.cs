using WaifuLab.Backend;
using WaifuLab.Evaluation;
using WaifuLab.Models;
using WaifuLab.Models.Style;
using WaifuLab.Sampling;
using WaifuLab.Tests.Evaluation;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Sampling;

/// <summary>Notebook 06's analyses on a tiny untrained 32 px style G: band attribution and latent walks.</summary>
public sealed class StyleAnalysisTests
{
    static StyleGenerator NewG(bool skipToRgb = true)
    {
        var g = new StyleGenerator(new GanModelOptions(32, 16, 4, 4) { Architecture = ModelFactory.Style, Style = new StyleModelOptions { MappingLayers = 2, WDim = 16, SkipToRgb = skipToRgb } });
        using var gen = new Generator(1, CPU);
        DcganInit.Apply(g, gen);
        return g;
    }

    [Fact]
    public void Band_attribution_has_a_row_per_attribute_with_shares_of_the_informative_pairs_and_is_repeatable()
    {
        using var g = NewG();
        var data = ToySquares.Make(64, seed: 2, size: 32);
        var (classifier, _) = AttributeClassifier.Train(data, ToySquares.Schema, new AttributeClassifierOptions(Epochs: 1, Features: 8, Seed: 1, Device: ComputeDevice.Cpu));
        using (classifier)
        {
            var rows = StyleBandAttribution.Measure(g, classifier, 30, seed: 5, batchSize: 16);
            Assert.Equal(new[] { "colour", "side" }, rows.Select(r => r.Attribute));
            foreach (var r in rows)
            {
                Assert.InRange(r.Informative, 0, 30);
                if (r.Informative == 0) { Assert.True(double.IsNaN(r.FollowsCoarse)); continue; }
                Assert.InRange(r.FollowsCoarse, 0, 1);
                Assert.InRange(r.FollowsFine, 0, 1);
                Assert.InRange(r.Neither, -1e-12, 1);
                // shares are whole counts of the informative pairs
                Assert.Equal(Math.Round(r.FollowsCoarse * r.Informative), r.FollowsCoarse * r.Informative, 6);
            }
            Assert.Equal(rows, StyleBandAttribution.Measure(g, classifier, 30, seed: 5, batchSize: 16)); // the seed fixes the mixes
            Assert.Throws<ArgumentOutOfRangeException>(() => StyleBandAttribution.Measure(g, classifier, 0, seed: 5));
        }
        var (small, _) = AttributeClassifier.Train(ToySquares.Make(32, seed: 2, size: 16), ToySquares.Schema, new AttributeClassifierOptions(Epochs: 1, Features: 8, Device: ComputeDevice.Cpu));
        using (small)
            Assert.Contains("16 px", Assert.Throws<ArgumentException>(() => StyleBandAttribution.Measure(g, small, 4, seed: 5)).Message);
    }

    [Fact]
    public void Mixing_only_the_convolutions_or_only_the_toRGB_layers_takes_the_coarse_source_only_there()
    {
        using var scope = NewDisposeScope();
        using var skip = NewG();
        using var orig = NewG(skipToRgb: false);
        var a = StyleMixing.Ws(skip, 3, seed: 1);
        var b = StyleMixing.Ws(skip, 3, seed: 2);
        var (first, last) = StyleMixing.Band(skip, "coarse");
        bool Same(Tensor x, Tensor y) => x.allclose(y, 1e-5, 1e-6);
        // The orig G's one toRGB reads a fine w (the last), so A's coarse ws cannot reach it: mixing only the toRGB
        // layers draws B itself, and mixing only the convolutions is the whole mix.
        var origBoth = StyleMixing.Mixed(orig, a, b, first, last);
        Assert.True(Same(StyleMixing.Mixed(orig, a, b, first, last, MixedLayers.ToRgbOnly), StyleMixing.Synthesize(orig, b)));
        Assert.True(Same(StyleMixing.Mixed(orig, a, b, first, last, MixedLayers.ConvolutionsOnly), origBoth));
        Assert.False(Same(origBoth, StyleMixing.Synthesize(orig, b)));
        // The skip G's 4 and 8 px toRGB layers read coarse ws: each half of the mix changes the image, and neither is the whole mix.
        var both = StyleMixing.Mixed(skip, a, b, first, last);
        var convs = StyleMixing.Mixed(skip, a, b, first, last, MixedLayers.ConvolutionsOnly);
        var rgbs = StyleMixing.Mixed(skip, a, b, first, last, MixedLayers.ToRgbOnly);
        var pureB = StyleMixing.Synthesize(skip, b);
        Assert.True(Same(both, StyleMixing.Synthesize(skip, StyleGenerator.Mix(a, b, first, last))));
        foreach (var (x, y) in new[] { (convs, both), (rgbs, both), (convs, pureB), (rgbs, pureB) })
            Assert.False(Same(x, y));
    }

    [Fact]
    public void Walks_in_z_and_W_share_their_end_frames_and_differ_between()
    {
        using var g = NewG();
        using var gen = new Generator(9, CPU);
        using var ends = randn(new long[] { 2, 16 }, generator: gen);
        using var inZ = StyleWalk.Frames(g, ends[0], ends[1], 5, inW: false);
        using var inW = StyleWalk.Frames(g, ends[0], ends[1], 5, inW: true);
        Assert.Equal(new long[] { 5, 3, 32, 32 }, inZ.shape);
        Assert.True(inZ[0].allclose(inW[0], 1e-4, 1e-4));
        Assert.True(inZ[4].allclose(inW[4], 1e-4, 1e-4));
        Assert.False(inZ[2].allclose(inW[2], 1e-4, 1e-4));
        Assert.True(g.training); // mode restored
        Assert.Throws<ArgumentOutOfRangeException>(() => StyleWalk.Frames(g, ends[0], ends[1], 1, inW: true));
    }
}
