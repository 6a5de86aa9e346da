using System.Text;
using WaifuLab.Notebooks;

namespace WaifuLab.Cli.Notebooks;

/// <summary>
/// Collects what the running cell prints and displays, in order, as Jupyter outputs: consecutive writes to one
/// stream merge into one <c>stream</c> output; <c>display(x)</c> adds a <c>display_data</c> output, and its handle's
/// updates replace that output, so the notebook stores a live view's final state.
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

    public DisplayHandle Display(object? value)
    {
        NotebookOutput? shown = null;
        NotebookCell? cell;
        lock (_gate) cell = _cell;
        void Show(object? v)
        {
            var bundle = renderer.Render(v);
            lock (_gate)
            {
                // Updates after the cell ended still land in its output: the stored notebook shows the final state.
                if (shown is not null)
                {
                    if (bundle is null) cell?.Outputs.Remove(shown);
                    else shown.ReplaceData(bundle);
                    if (bundle is null) shown = null;
                }
                else if (bundle is not null && cell is not null)
                {
                    shown = NotebookOutput.DisplayData(bundle);
                    cell.Outputs.Add(shown);
                }
            }
        }
        Show(value);
        return new DisplayHandle(Show);
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
