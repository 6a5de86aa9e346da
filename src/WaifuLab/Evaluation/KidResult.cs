namespace WaifuLab.Evaluation;

/// <summary>KID: mean and standard deviation of the unbiased MMD^2 over <see cref="Subsets"/> random subsets of <see cref="SubsetSize"/>.</summary>
public sealed record KidResult(double Mean, double Std, int Subsets, int SubsetSize)
{
    public override string ToString() => $"{Mean:0.0000} ± {Std:0.0000}";
}
