using WaifuLab.Conditional;
using WaifuLab.Data;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Projection;

/// <summary>A tiny conditional generator (16 px, ngf 8, nz 16) over a two-attribute schema, with random DCGAN weights.</summary>
static class TinyGenerator
{
    public static readonly LabelSchema Schema = new([
        AttributeSpec.Categorical("hair", "black", "white", "pink"),
        AttributeSpec.Categorical("glasses", "no", "yes"),
    ]);

    public static ConditionalGenerator Make(int seed = 5)
    {
        lock (Lock)
        {
            manual_seed(seed);
            var g = new ConditionalGenerator(new ConditionalGanOptions
            {
                ImageSize = 16, Nz = 16, Ngf = 8, Ndf = 8, EmbedSize = 8, ConditionSize = Schema.Width, Schema = Schema,
            });
            // DCGAN's N(0, 0.02) start draws nearly flat grey images; unit-gain weights give a random generator with
            // contrast and a condition that visibly matters, so a projection has something to find.
            using (no_grad())
                foreach (var (name, p) in g.named_parameters())
                    if (p.dim() > 1) nn.init.normal_(p, 0, 2.0 / Math.Sqrt(p.numel() / p.shape[name.StartsWith("embed") ? 0 : 1]));
            // Non-trivial batch-norm running statistics, as after training, so eval mode is really exercised.
            using (no_grad())
                for (int i = 0; i < 20; i++)
                    using (var c = AttributeRequest.Fill(AttributeRequest.None(Schema), null, 32, i))
                        g.forward(randn(32, 16), c).Dispose();
            g.eval();
            return g;
        }
    }

    /// <summary>G's image (1,3,16,16) of a known z and condition.</summary>
    public static Tensor Draw(ConditionalGenerator g, Tensor z, Tensor c)
    {
        using var _ = no_grad();
        g.eval();
        return g.forward(z.reshape(1, -1), c.reshape(1, -1));
    }

    static readonly object Lock = new();
}
