namespace WaifuLab.Notebooks;

/// <summary>
/// What <see cref="Display.display"/> returns: the shown value's place in the cell's output, so a progress view can
/// redraw itself there (Jupyter's <c>update_display_data</c>) instead of adding a line per step.
/// </summary>
public sealed class DisplayHandle
{
    private readonly Action<object?> _update;

    public DisplayHandle(Action<object?> update) => _update = update ?? throw new ArgumentNullException(nameof(update));

    /// <summary>Replaces the displayed value with <paramref name="value"/>, in place.</summary>
    public void Update(object? value) => _update(value);

    /// <summary>A handle whose updates print the value's text form (a console program, where nothing redraws).</summary>
    internal static DisplayHandle Console() => new(v => System.Console.WriteLine(MimeRenderer.Text(v)));
}
