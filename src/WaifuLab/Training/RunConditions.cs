using System.Runtime.InteropServices;
using WaifuLab.Conditional;
using WaifuLab.Data;
using WaifuLab.Stabilizers;
using static TorchSharp.torch;

namespace WaifuLab.Training;

/// <summary>
/// The conditions of a conditional <see cref="GanTrainer"/> run: its label schema and the pool of the data's condition
/// rows that fake batches, unrequested attributes and the EMA's standing statistics are drawn from; checkpointed with
/// the run.
/// </summary>
internal sealed class RunConditions : IDisposable
{
    public RunConditions(LabelSchema schema) => Schema = schema;

    public LabelSchema Schema { get; }

    /// <summary>The training data's condition rows; null until the trainer has seen data or loaded a checkpoint with them.</summary>
    public ConditionPool? Pool { get; private set; }

    /// <summary>Checks the dataset's labels fit this run, and takes its condition rows as the pool.</summary>
    public void UseData(ImageDataset data)
    {
        if (data.Conditions is null)
            throw new ArgumentException($"this dataset has no labels.csv; conditional training needs one (see data/README.md) [{data.Source}]", nameof(data));
        if (data.ConditionSize != Schema.Width)
            throw new ArgumentException($"the dataset {data.Source} has condition vectors of width {data.ConditionSize} but this run's labels need {Schema.Width} ({string.Join("; ", Schema.Attributes)})", nameof(data));
        SetPool(data.Conditions);
    }

    void SetPool(Tensor rows)
    {
        Pool?.Dispose();
        Pool = new ConditionPool(rows);
    }

    /// <summary>
    /// <paramref name="n"/> conditions for a fake batch, drawn from the pool with <paramref name="rng"/>; with
    /// <paramref name="paired"/> (the mode-seeking term) the batch's two halves share their conditions.
    /// </summary>
    public Tensor Fake(int n, Device device, Generator rng, bool paired)
    {
        if (Pool is null) throw new InvalidOperationException("a conditional update needs the data's condition rows: train through GanTrainer.Train, or call it once first");
        return paired ? ModeSeekingLoss.Paired(Pool.Sample((n + 1) / 2, device, rng), n) : Pool.Sample(n, device, rng);
    }

    /// <summary>
    /// <paramref name="count"/> condition vectors: the request's attributes fixed, the others drawn from the pool (at
    /// random before the trainer has seen data).
    /// </summary>
    public Tensor Conditions(AttributeRequest? request, int count, long seed)
    {
        if (request is not null && !SameSchema(request.Schema, Schema))
            throw new ArgumentException($"the request was parsed against other labels; this run's attributes: {string.Join("; ", Schema.Attributes)}", nameof(request));
        return AttributeRequest.Fill(request ?? AttributeRequest.None(Schema), Pool, count, seed);
    }

    /// <summary>The conditions of the k-th batch of the EMA's standing statistics (fixed, so equal weights get equal statistics).</summary>
    public Tensor Standing(int batchSize, int k) => AttributeRequest.Fill(AttributeRequest.None(Schema), Pool, batchSize, StandingStatistics.Seed + k);

    /// <summary>
    /// The fixed grid of a conditional run: one row per value of the first categorical attribute (hair colour for the
    /// built-in faces), the same noise and other attributes down each column. Returns the images and the column count.
    /// </summary>
    public (Tensor Images, int Columns) FixedGrid(nn.Module sampler, int gridCount, long seed)
    {
        var spec = Schema.Attributes.FirstOrDefault(a => a.Kind == AttributeKind.Categorical) ?? Schema.Attributes[0];
        const int continuousRows = 5;
        int rows = spec.Kind == AttributeKind.Categorical ? spec.Values.Count : continuousRows;
        int columns = Math.Max(1, gridCount / rows);
        return (AttributeGrid.Make(sampler, Schema, spec.Name, columns, seed, Pool, continuousRows), columns);
    }

    /// <summary>Writes the pool's rows (count, width, float32s) after the optimizer states of a checkpoint.</summary>
    public void SavePool(BinaryWriter w)
    {
        if (Pool is null)
        {
            w.Write(0);
            w.Write(Schema.Width);
            return;
        }
        w.Write(Pool.Count);
        w.Write(Pool.Width);
        w.Write(MemoryMarshal.AsBytes(Pool.Rows.data<float>().ToArray().AsSpan())); // the pool's own contiguous CPU copy
    }

    public void LoadPool(BinaryReader r)
    {
        int count = r.ReadInt32(), width = r.ReadInt32();
        if (width != Schema.Width || count < 0)
            throw new ArgumentException($"the stored condition rows are {count} x {width}; the labels need width {Schema.Width}");
        if (count == 0) return;
        var bytes = r.ReadBytes(checked(count * width * sizeof(float)));
        if (bytes.Length != count * width * sizeof(float)) throw new EndOfStreamException("the stored condition rows are cut short");
        using var rows = tensor(MemoryMarshal.Cast<byte, float>(bytes).ToArray(), new long[] { count, width });
        SetPool(rows);
    }

    /// <summary>Same attributes, kinds, values and ranges (schemas read from JSON are other instances of equal content).</summary>
    public static bool SameSchema(LabelSchema a, LabelSchema b) =>
        ReferenceEquals(a, b) || a.Attributes.Count == b.Attributes.Count && a.Attributes.Zip(b.Attributes).All(p =>
            string.Equals(p.First.Name, p.Second.Name, StringComparison.OrdinalIgnoreCase) && p.First.Kind == p.Second.Kind
            && p.First.Values.SequenceEqual(p.Second.Values, StringComparer.OrdinalIgnoreCase)
            && p.First.Min == p.Second.Min && p.First.Max == p.Second.Max);

    public void Dispose() => Pool?.Dispose();
}
