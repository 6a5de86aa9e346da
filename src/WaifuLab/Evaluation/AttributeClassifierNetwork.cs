using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace WaifuLab.Evaluation;

/// <summary>
/// Four stages (F/8, F/4, F/2, F channels), each a stride-2 3x3 conv then a 3x3 conv, with batch norm and leaky
/// ReLU, then global average pooling to an F-dimensional feature vector and one linear layer whose outputs are
/// laid out like a condition vector (logits per categorical block, a value per continuous attribute).
/// </summary>
internal sealed class AttributeClassifierNetwork : Module<Tensor, Tensor>
{
    private readonly Sequential body;
    private readonly Linear head;

    public AttributeClassifierNetwork(int features, int outputs) : base(nameof(AttributeClassifierNetwork))
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        long input = 3;
        for (int stage = 0; stage < 4; stage++)
        {
            long width = features >> (3 - stage);
            // Downsample first: the 3x3 conv then runs at the lower resolution, half the cost of the other order
            // (~110 MFLOP per 64 px image forward at F = 256) for the same receptive field.
            layers.Add(($"conv{stage}a", Conv2d(input, width, 3, stride: 2, padding: 1, bias: false)));
            layers.Add(($"bn{stage}a", BatchNorm2d(width)));
            layers.Add(($"act{stage}a", new WaifuLab.Models.LeakyRelu(0.2)));
            layers.Add(($"conv{stage}b", Conv2d(width, width, 3, padding: 1, bias: false)));
            layers.Add(($"bn{stage}b", BatchNorm2d(width)));
            layers.Add(($"act{stage}b", new WaifuLab.Models.LeakyRelu(0.2)));
            input = width;
        }
        layers.Add(("pool", AdaptiveAvgPool2d(1)));
        layers.Add(("flatten", Flatten()));
        body = Sequential(layers);
        head = Linear(features, outputs);
        RegisterComponents();
    }

    /// <summary>The penultimate representation: the feature space of FID, KID and precision/recall.</summary>
    public Tensor Features(Tensor images) => body.forward(images);

    public Tensor Head(Tensor features) => head.forward(features);

    public override Tensor forward(Tensor images) => head.forward(body.forward(images));
}
