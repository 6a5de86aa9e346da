using WaifuLab.Imaging;

namespace WaifuLab.Notebooks;

/// <summary>
/// What a training cell's live display shows at one moment: status lines (iteration/total, speed, ETA, losses, D
/// outputs), and the loss chart and fixed-noise grid as of their last refresh. Rendered as one HTML block (one
/// output that updates in place) with a plain-text form for consoles.
/// </summary>
public sealed record TrainingView(IReadOnlyList<string> Status, PngImage? Chart = null, PngImage? Grid = null)
{
    public override string ToString() => string.Join("\n", Status);
}
