namespace WaifuLab.Stabilizers;

/// <summary>A stretch of iterations flagged as D-dominated, <see cref="Start"/> to <see cref="End"/> inclusive (iteration numbers).</summary>
public sealed record DominanceEpisode(long Start, long End)
{
    /// <summary>Iterations covered (End - Start + 1).</summary>
    public long Length => End - Start + 1;
}
