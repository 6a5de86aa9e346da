using System.Text;

namespace WaifuLab.Evaluation;

/// <summary>What training the attribute classifier achieved; stored in the classifier file so a cached one reports too.</summary>
public sealed record ClassifierReport(
    IReadOnlyList<AttributeScore> Attributes,
    int TrainCount,
    int HeldOutCount,
    int Epochs,
    double FinalLoss,
    double MsPerEpoch,
    TimeSpan Elapsed)
{
    public AttributeScore this[string name] => Attributes.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"no attribute '{name}' in the report; attributes: {string.Join(", ", Attributes.Select(a => a.Name))}");

    public override string ToString()
    {
        var s = new StringBuilder();
        s.Append($"classifier: {TrainCount} training / {HeldOutCount} held-out images, {Epochs} epochs, final loss {FinalLoss:0.0000}, {MsPerEpoch:0} ms/epoch");
        if (HeldOutCount == 0) s.Append(" (no held-out split: no accuracy measured)");
        foreach (var a in Attributes) s.Append("\n  ").Append(a);
        return s.ToString();
    }
}
