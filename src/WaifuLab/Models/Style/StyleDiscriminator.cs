using TorchSharp;
using static TorchSharp.torch;

namespace WaifuLab.Models.Style;

/// <summary>
/// StyleGAN2's residual discriminator (architecture 'resnet' in stylegan2-ada-pytorch networks.py): fromRGB (1x1) at
/// the image size, then per resolution two 3x3 convs (the second downsampling) beside a 1x1 downsampling skip, summed
/// and scaled by sqrt(0.5); at 4x4 the epilogue: minibatch standard deviation (groups of up to 4, one channel), a 3x3
/// conv, a fully connected layer and the logit. Equalized learning rate throughout. Channels Ndf * min(8, S/r) at
/// resolution r. Unconditional.
/// </summary>
public sealed class StyleDiscriminator : nn.Module<Tensor, Tensor>, IGanDiscriminator
{
    // Held for the process: a temporary Scalar from "x + 1e-8" can be finalized by the GC while libtorch still reads it
    // (dotnet/TorchSharp#1434; a projection test failed with "Expected false to be true" in Scalar::toFloat).
    static readonly TorchSharp.Scalar Epsilon = 1e-8;

    readonly EqualizedConv2d fromrgb, epilogue_conv;
    readonly TorchSharp.Modules.ModuleList<EqualizedConv2d> conv0s, conv1s, skips;
    readonly EqualizedLinear epilogue_fc, epilogue_out;

    public StyleDiscriminator(GanModelOptions options) : base(nameof(StyleDiscriminator))
    {
        Options = options.Validate();
        int size = options.ImageSize;
        int Channels(int r) => options.Ndf * Math.Min(8, size / r);
        fromrgb = new EqualizedConv2d("fromrgb", 3, Channels(size), 1);
        conv0s = new TorchSharp.Modules.ModuleList<EqualizedConv2d>();
        conv1s = new TorchSharp.Modules.ModuleList<EqualizedConv2d>();
        skips = new TorchSharp.Modules.ModuleList<EqualizedConv2d>();
        for (int r = size; r > 4; r /= 2)
        {
            conv0s.Add(new EqualizedConv2d($"b{r}_conv0", Channels(r), Channels(r), 3));
            conv1s.Add(new EqualizedConv2d($"b{r}_conv1", Channels(r), Channels(r / 2), 3, down: true));
            skips.Add(new EqualizedConv2d($"b{r}_skip", Channels(r), Channels(r / 2), 1, bias: false, activation: false, down: true));
        }
        int c4 = Channels(4);
        epilogue_conv = new EqualizedConv2d("b4_conv", c4 + 1, c4, 3);
        epilogue_fc = new EqualizedLinear("b4_fc", c4 * 16, c4, activation: true);
        epilogue_out = new EqualizedLinear("b4_out", c4, 1);
        RegisterComponents();
    }

    public GanModelOptions Options { get; }

    public override Tensor forward(Tensor x)
    {
        var h = fromrgb.forward(x);
        for (int i = 0; i < conv0s.Count; i++)
        {
            var y = conv1s[i].forward(conv0s[i].forward(h));
            h = (skips[i].forward(h) + y) * Math.Sqrt(0.5);
        }
        h = epilogue_conv.forward(MinibatchStd(h));
        h = epilogue_fc.forward(h.flatten(1));
        return epilogue_out.forward(h).view(-1);
    }

    public DiscriminatorOutput Judge(Tensor x, Tensor? c) => c is null ? new(forward(x), null)
        : throw new ArgumentException("the style discriminator is unconditional: it takes no conditions", nameof(c));

    /// <summary>
    /// Appends one channel holding, per group of up to 4 images, the mean over features and pixels of the standard
    /// deviation across the group: D sees how varied a batch is, which penalises a collapsed G (Karras et al. 2018).
    /// </summary>
    static Tensor MinibatchStd(Tensor x)
    {
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        long g = Math.Min(4, n);
        while (n % g != 0) g--; // the reference needs N divisible by the group size
        var y = x.reshape(g, n / g, c, h, w);
        y = (y - y.mean([0])).square().mean([0]);
        y = (y + Epsilon).sqrt().mean([1, 2, 3]); // (N/g)
        y = y.reshape(-1, 1, 1, 1).repeat(g, 1, h, w);
        return cat([x, y], 1);
    }
}
