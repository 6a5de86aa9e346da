using System.Text;
using WaifuLab.Notebooks;

namespace WaifuLab.Cli.Notebooks;

/// <summary>
/// Collects what the running cell prints and displays, in order, as Jupyter outputs: consecutive writes to one
/// stream merge into one <c>stream</c> output; <c>display(x)</c> adds a <c>display_data</c> output.
/// </summary>
public sealed class CellCapture(MimeRenderer renderer) : IDisplaySink
{
    private readonly object _gate = new();
    private NotebookCell? _cell;

    public TextWriter Stdout => new StreamWriter(this, "stdout");
    public TextWriter Stderr => new StreamWriter(this, "stderr");

    /// <summary>Outputs go to <paramref name="cell"/> from now on; null drops them (between cells, after a timeout).</summary>
    public void Target(NotebookCell? cell)
    {
        lock (_gate) _cell = cell;
    }

    public void Display(object? value)
    {
        var bundle = renderer.Render(value);
        if (bundle is null) return;
        lock (_gate) _cell?.Outputs.Add(NotebookOutput.DisplayData(bundle));
    }

    private void Write(string name, string text)
    {
        if (text.Length == 0) return;
        lock (_gate)
        {
            if (_cell is null) return;
            if (_cell.Outputs.Count > 0 && _cell.Outputs[^1] is { OutputType: "stream" } last && last.StreamName == name)
                last.AppendText(text);
            else
                _cell.Outputs.Add(NotebookOutput.Stream(name, text));
        }
    }

    private sealed class StreamWriter(CellCapture capture, string name) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;
        public override void Write(char value) => capture.Write(name, value.ToString());
        public override void Write(string? value) => capture.Write(name, value ?? "");
        public override void Write(char[] buffer, int index, int count) => capture.Write(name, new string(buffer, index, count));
        public override void WriteLine(string? value) => capture.Write(name, (value ?? "") + "\n");
    }
}
