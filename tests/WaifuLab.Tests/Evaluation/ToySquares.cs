using WaifuLab.Data;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Evaluation;

/// <summary>
/// A tiny labelled image set for classifier tests: a grey noisy background with one square whose colour is a
/// categorical attribute (red, green, blue) and whose side in pixels is a continuous one (3 to 10).
/// </summary>
static class ToySquares
{
    public static readonly LabelSchema Schema = new([
        AttributeSpec.Categorical("colour", "red", "green", "blue"),
        AttributeSpec.Continuous("side", 3, 10),
    ]);

    public static ImageDataset Make(int count, int seed, int size = 16)
    {
        var random = new Random(seed);
        var pixels = new float[count * 3 * size * size];
        var labels = new List<float[]>();
        for (int n = 0; n < count; n++)
        {
            int colour = random.Next(3);
            int side = random.Next(3, 11);
            int x0 = random.Next(size - side + 1), y0 = random.Next(size - side + 1);
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < size; y++)
                    for (int x = 0; x < size; x++)
                    {
                        bool inside = x >= x0 && x < x0 + side && y >= y0 && y < y0 + side;
                        float v = inside ? (c == colour ? 0.9f : -0.6f) : (float)(random.NextDouble() * 0.4 - 0.2);
                        pixels[((n * 3 + c) * size + y) * size + x] = v;
                    }
            labels.Add(Schema.Encode(new Dictionary<string, string>
            {
                ["colour"] = Schema["colour"].Values[colour],
                ["side"] = side.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }));
        }
        var images = tensor(pixels).reshape(count, 3, size, size);
        var conditions = tensor(labels.SelectMany(l => l).ToArray()).reshape(count, Schema.Width);
        return new ImageDataset(images, conditions, $"toy-squares-{seed}");
    }
}
