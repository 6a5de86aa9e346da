using WaifuLab.Data;

namespace WaifuLab.Evaluation;

/// <summary>
/// How well the classifier reads one attribute on held-out images: accuracy for a categorical attribute,
/// mean absolute error (in the attribute's own units) for a continuous one; the other figure is NaN.
/// </summary>
public sealed record AttributeScore(string Name, AttributeKind Kind, double Accuracy, double MeanAbsoluteError)
{
    public override string ToString() => Kind == AttributeKind.Categorical
        ? $"{Name}: accuracy {Accuracy:P1}"
        : $"{Name}: mean abs error {MeanAbsoluteError:0.###}";
}
