using WaifuLab.Conditional;
using WaifuLab.Data;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Projection;

/// <summary>
/// A tiny conditional generator (16 px, ngf 8, nz 16) over a two-attribute schema, with random weights drawn from its
/// own seeded generator (not torch's global one, which tests in other classes reseed in parallel).
/// </summary>
static class TinyGenerator
{
    public static readonly LabelSchema Schema = new([
        AttributeSpec.Categorical("hair", "black", "white", "pink"),
        AttributeSpec.Categorical("glasses", "no", "yes"),
    ]);

    public static ConditionalGenerator Make(ulong seed = 5)
    {
        var g = new ConditionalGenerator(new ConditionalGanOptions
        {
            ImageSize = 16, Nz = 16, Ngf = 8, Ndf = 8, EmbedSize = 8, ConditionSize = Schema.Width, Schema = Schema,
        });
        using var random = new Generator(seed);
        using (no_grad())
        {
            // DCGAN's N(0, 0.02) start draws nearly flat grey images (std 0.006); gain-2 fan-in-scaled weights give a
            // random generator with contrast (std ~0.5) where the condition visibly matters, so projection has work.
            foreach (var (name, p) in g.named_parameters())
            {
                if (p.dim() > 1)
                {
                    long fanIn = p.numel() / p.shape[name.StartsWith("embed") ? 0 : 1];
                    using var w = randn(p.shape, generator: random);
                    p.copy_(w * (2.0 / Math.Sqrt(fanIn)));
                }
                else if (name.EndsWith("weight")) p.fill_(1);
                else p.zero_();
            }
            // Non-trivial batch-norm running statistics, as after training, so eval mode is really exercised.
            for (int i = 0; i < 20; i++)
            {
                using var c = AttributeRequest.Fill(AttributeRequest.None(Schema), null, 32, i);
                using var z = randn([32, 16], generator: random);
                g.forward(z, c).Dispose();
            }
        }
        g.eval();
        return g;
    }

    public static Tensor Condition(string hair, string glasses) =>
        tensor(Schema.Encode(new Dictionary<string, string> { ["hair"] = hair, ["glasses"] = glasses }), [1, Schema.Width]);

    /// <summary>G's image (1,3,16,16) of a known z and condition, in eval mode.</summary>
    public static Tensor Draw(ConditionalGenerator g, Tensor z, Tensor c)
    {
        using var _ = no_grad();
        g.eval();
        return g.forward(z.reshape(1, -1), c.reshape(1, -1));
    }

    public static double Mse(Tensor a, Tensor b)
    {
        using var d = (a - b).square().mean();
        return d.item<float>();
    }
}
