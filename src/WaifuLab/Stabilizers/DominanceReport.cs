namespace WaifuLab.Stabilizers;

/// <summary>The detector's verdict on a whole history: one flag per record, and the flagged stretches.</summary>
public sealed record DominanceReport(IReadOnlyList<bool> Flags, IReadOnlyList<DominanceEpisode> Episodes)
{
    /// <summary>Share of iterations flagged as dominated (0 for an empty history): the ablation table's column.</summary>
    public double FlaggedShare => Flags.Count == 0 ? 0 : Flags.Count(f => f) / (double)Flags.Count;
}
