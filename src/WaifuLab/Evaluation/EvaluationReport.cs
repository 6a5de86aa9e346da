using System.Text;

namespace WaifuLab.Evaluation;

/// <summary>
/// Scores of one generator against the real set, in the attribute classifier's feature space. <see cref="FidFloor"/>
/// and <see cref="KidFloor"/> are the same measures between two disjoint halves of the real set: what a perfect
/// generator would score at this sample size. Read FID as "how far above the floor".
/// </summary>
public sealed record EvaluationReport(
    double Fid,
    double FidFloor,
    KidResult Kid,
    KidResult KidFloor,
    PrecisionRecallResult? PrecisionRecall,
    int FakeCount,
    int RealCount,
    int FloorCount,
    int FeatureDimensions,
    IReadOnlyList<string> Warnings,
    TimeSpan Elapsed)
{
    public override string ToString()
    {
        var s = new StringBuilder();
        s.AppendLine($"FID  {Fid,10:0.000}   (real-vs-real floor {FidFloor:0.000})");
        s.AppendLine($"KID  {Kid.Mean,10:0.0000} ± {Kid.Std:0.0000}   (floor {KidFloor.Mean:0.0000} ± {KidFloor.Std:0.0000}; {Kid.Subsets} subsets of {Kid.SubsetSize})");
        if (PrecisionRecall is { } pr)
            s.AppendLine($"precision {pr.Precision:0.000}, recall {pr.Recall:0.000} (k = {pr.K})");
        s.AppendLine($"samples: {FakeCount} generated vs {RealCount} real; floor: two disjoint real halves of {FloorCount}; {FeatureDimensions}-d classifier features (in-domain, not Inception FID)");
        foreach (var w in Warnings) s.AppendLine("warning: " + w);
        s.Append($"took {Elapsed.TotalSeconds:0.0} s");
        return s.ToString();
    }
}
