namespace WaifuLab.Notebooks;

/// <summary>Where <see cref="Display.display"/> sends values: the notebook runner's current cell.</summary>
public interface IDisplaySink
{
    void Display(object? value);
}
