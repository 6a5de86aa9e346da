using System.Collections;
using System.Globalization;
using System.Text;

namespace WaifuLab.Training;

/// <summary>
/// The per-iteration record of a run, in order; saved as history.csv (one row per iteration, the fixed columns and
/// then one column per <see cref="TrainStep.Extra"/> key, empty where an iteration lacks it).
/// </summary>
public sealed class TrainHistory : IReadOnlyList<TrainStep>
{
    static readonly string[] Fixed = ["iteration", "epoch", "loss_d", "loss_g", "d_real", "d_fake_before", "d_fake_after", "ms"];
    readonly List<TrainStep> _steps = [];

    public int Count => _steps.Count;
    public TrainStep this[int index] => _steps[index];
    public TrainStep? Last => _steps.Count == 0 ? null : _steps[^1];

    public void Add(TrainStep step)
    {
        if (_steps.Count > 0 && step.Iteration <= _steps[^1].Iteration)
            throw new ArgumentException($"history steps must be added in order: iteration {step.Iteration} after {_steps[^1].Iteration}", nameof(step));
        _steps.Add(step);
    }

    /// <summary>Drops steps after <paramref name="iteration"/> (used on resume: rows past the checkpoint were not kept).</summary>
    public void TruncateAfter(long iteration) => _steps.RemoveAll(s => s.Iteration > iteration);

    /// <summary>One value per step, for plots: e.g. <c>history.Series(s => s.LossD)</c>.</summary>
    public IReadOnlyList<double> Series(Func<TrainStep, double> select) => _steps.Select(select).ToArray();

    /// <summary>The names of the extra metric columns, in order of first appearance.</summary>
    public IReadOnlyList<string> ExtraColumns()
    {
        var names = new List<string>();
        var seen = new HashSet<string>();
        foreach (var s in _steps)
            if (s.Extra is not null)
                foreach (var k in s.Extra.Keys)
                    if (seen.Add(k)) names.Add(k);
        return names;
    }

    public string ToCsv()
    {
        var extras = ExtraColumns();
        var sb = new StringBuilder();
        sb.AppendJoin(',', Fixed.Concat(extras)).Append('\n');
        foreach (var s in _steps)
        {
            sb.Append(s.Iteration.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(s.Epoch.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(F(s.LossD)).Append(',').Append(F(s.LossG)).Append(',').Append(F(s.DReal)).Append(',')
              .Append(F(s.DFakeBefore)).Append(',').Append(F(s.DFakeAfter)).Append(',').Append(F(s.Milliseconds));
            foreach (var e in extras)
            {
                sb.Append(',');
                if (s.Extra is not null && s.Extra.TryGetValue(e, out var v)) sb.Append(F(v));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Writes history.csv atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToCsv());

    public static TrainHistory Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"history file not found: {path}", path);
        return Parse(File.ReadAllText(path), path);
    }

    public static TrainHistory Parse(string csv, string source = "history")
    {
        var lines = csv.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (lines.Count == 0 || lines[0].Length == 0) throw new InvalidDataException($"{source} is empty: expected a header line");
        var header = lines[0].Split(',');
        if (header.Length < Fixed.Length || !header.Take(Fixed.Length).SequenceEqual(Fixed))
            throw new InvalidDataException($"{source} does not start with the columns {string.Join(",", Fixed)}");
        var extras = header.Skip(Fixed.Length).ToArray();
        var history = new TrainHistory();
        for (int i = 1; i < lines.Count; i++)
        {
            if (lines[i].Length == 0) continue;
            var cells = lines[i].Split(',');
            if (cells.Length != header.Length)
                throw new InvalidDataException($"{source} line {i + 1}: {cells.Length} cells, expected {header.Length}");
            try
            {
                var step = new TrainStep(long.Parse(cells[0], CultureInfo.InvariantCulture), int.Parse(cells[1], CultureInfo.InvariantCulture),
                    P(cells[2]), P(cells[3]), P(cells[4]), P(cells[5]), P(cells[6]), P(cells[7]));
                if (extras.Length > 0)
                {
                    var extra = new Dictionary<string, double>();
                    for (int e = 0; e < extras.Length; e++)
                        if (cells[Fixed.Length + e].Length > 0) extra[extras[e]] = P(cells[Fixed.Length + e]);
                    if (extra.Count > 0) step = step with { Extra = extra };
                }
                history.Add(step);
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
            {
                throw new InvalidDataException($"{source} line {i + 1}: {ex.Message}", ex);
            }
        }
        return history;
    }

    static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    static double P(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    public IEnumerator<TrainStep> GetEnumerator() => _steps.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
