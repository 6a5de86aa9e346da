using WaifuLab.Data;

namespace WaifuLab.Evaluation;

/// <summary>
/// How often generated images show the attribute value they were asked for. Categorical: <see cref="Accuracy"/>
/// is the share the classifier assigns to the requested value (<see cref="Chance"/> is 1/values, what ignoring
/// the condition scores). Continuous: <see cref="Spearman"/> rank correlation between requested and measured
/// values and <see cref="MeanAbsoluteError"/> in the attribute's units. Figures that do not apply are NaN.
/// </summary>
public sealed record AttributeAccuracy(string Name, AttributeKind Kind, double Accuracy, double Chance, double Spearman, double MeanAbsoluteError)
{
    public override string ToString() => Kind == AttributeKind.Categorical
        ? $"{Name}: {Accuracy:P1} as requested (chance {Chance:P1})"
        : $"{Name}: Spearman {Spearman:0.000} requested vs measured, mean abs error {MeanAbsoluteError:0.###}";
}
