namespace WaifuLab.Notebooks;

/// <summary>Where <see cref="Display.display"/> sends values: the notebook runner's current cell.</summary>
public interface IDisplaySink
{
    /// <summary>Shows <paramref name="value"/>; the handle replaces that same output later.</summary>
    DisplayHandle Display(object? value);
}
