using TorchSharp;
using TorchSharp.Modules;
using WaifuLab.Models;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Models;

public class DcganModelTests
{
    static long Count(nn.Module m) => m.parameters().Sum(p => p.numel());

    [Fact]
    public void ClassicLayoutHasThePytorchExamplesParameterCounts()
    {
        var o = new GanModelOptions(64, 100, 64, 64);
        using var g = new DcganGenerator(o);
        using var d = new DcganDiscriminator(o);
        Assert.Equal(3_576_704, Count(g));
        Assert.Equal(2_765_568, Count(d));
    }

    [Fact]
    public void ClassicLayoutHasNoConvBiasesAndNoBatchNormOnDsFirstStage()
    {
        var o = new GanModelOptions(64, 100, 8, 8);
        using var d = new DcganDiscriminator(o);
        using var g = new DcganGenerator(o);
        Assert.All(d.modules().Concat(g.modules()).OfType<Conv2d>(), c => Assert.Null(c.bias));
        Assert.All(g.modules().OfType<ConvTranspose2d>(), c => Assert.Null(c.bias));
        Assert.Equal(3, d.modules().OfType<BatchNorm2d>().Count()); // stages 2..4 only
        Assert.Equal(4, g.modules().OfType<BatchNorm2d>().Count());
    }

    [Theory]
    [InlineData(32)]
    [InlineData(64)]
    [InlineData(128)]
    public void ShapesAtEachSize(int size)
    {
        var o = new GanModelOptions(size, 10, 4, 4);
        using var g = new DcganGenerator(o);
        using var d = new DcganDiscriminator(o);
        using var scope = NewDisposeScope();
        var img = g.forward(randn(2, 10));
        Assert.Equal(new long[] { 2, 3, size, size }, img.shape);
        Assert.True(img.abs().max().item<float>() <= 1f);
        Assert.Equal(new long[] { 2, 3, size, size }, g.forward(randn(2, 10, 1, 1)).shape);
        Assert.Equal(new long[] { 2 }, d.forward(img).shape);
        Assert.Equal(new long[] { 2, d.FeatureChannels, 4, 4 }, d.Features(img).shape);
        Assert.Equal(4L * size / 8, d.FeatureChannels);
    }

    [Fact]
    public void ExtraBlocksDeepenEveryStageButKeepShapes()
    {
        var plain = new GanModelOptions(128, 10, 4, 4);
        var deep = plain with { ExtraBlocks = 1 };
        using var g0 = new DcganGenerator(plain);
        using var g1 = new DcganGenerator(deep);
        using var d0 = new DcganDiscriminator(plain);
        using var d1 = new DcganDiscriminator(deep);
        Assert.Equal(plain.Stages, g1.modules().OfType<Conv2d>().Count()); // one 3x3 block per stage
        Assert.Equal(plain.Stages, d1.modules().OfType<Conv2d>().Count() - d0.modules().OfType<Conv2d>().Count());
        Assert.True(Count(g1) > Count(g0));
        using var scope = NewDisposeScope();
        var img = g1.forward(randn(2, 10));
        Assert.Equal(new long[] { 2, 3, 128, 128 }, img.shape);
        Assert.Equal(new long[] { 2 }, d1.forward(img).shape);
    }

    [Fact]
    public void InitFollowsTheDcganPaper()
    {
        var o = new GanModelOptions(64, 100, 32, 32);
        using var g = new DcganGenerator(o);
        using var gen = new torch.Generator(7, CPU);
        DcganInit.Apply(g, gen);
        using var scope = NewDisposeScope();
        var w = cat(g.modules().OfType<ConvTranspose2d>().Select(c => c.weight!.flatten()).ToArray());
        Assert.InRange(w.mean().item<float>(), -0.001, 0.001);
        Assert.InRange(w.std().item<float>(), 0.019, 0.021);
        var gammas = cat(g.modules().OfType<BatchNorm2d>().Select(b => b.weight!.flatten()).ToArray());
        Assert.InRange(gammas.mean().item<float>(), 0.99, 1.01);
        Assert.InRange(gammas.std().item<float>(), 0.015, 0.025);
        Assert.All(g.modules().OfType<BatchNorm2d>(), b => Assert.Equal(0f, b.bias!.abs().max().item<float>()));
    }

    [Fact]
    public void InitWithASeededGeneratorIsReproducible()
    {
        var o = new GanModelOptions(32, 10, 4, 4);
        using var a = new DcganDiscriminator(o);
        using var b = new DcganDiscriminator(o);
        using (var g1 = new torch.Generator(42, CPU)) DcganInit.Apply(a, g1);
        using (var g2 = new torch.Generator(42, CPU)) DcganInit.Apply(b, g2);
        foreach (var (p, q) in a.parameters().Zip(b.parameters()))
            Assert.True(p.eq(q).all().item<bool>());
    }

    [Theory]
    [InlineData(48, 100, 64, 64, 0, "image size")]
    [InlineData(64, 0, 64, 64, 0, "nz")]
    [InlineData(64, 100, 0, 64, 0, "ngf")]
    [InlineData(64, 100, 64, -1, 0, "ndf")]
    [InlineData(64, 100, 64, 64, -1, "extra blocks")]
    public void BadOptionsAreRefusedByName(int size, int nz, int ngf, int ndf, int extra, string named)
    {
        var e = Assert.Throws<ArgumentException>(() => new GanModelOptions(size, nz, ngf, ndf, extra).Validate());
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void WrongInputShapesAreRefused()
    {
        var o = new GanModelOptions(32, 10, 4, 4);
        using var g = new DcganGenerator(o);
        using var d = new DcganDiscriminator(o);
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => g.forward(randn(2, 10, 2, 2)));
        Assert.Throws<ArgumentException>(() => d.forward(randn(2, 3, 64, 64)));
    }
}
