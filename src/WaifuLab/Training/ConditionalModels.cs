using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;
using WaifuLab.Conditional;
using WaifuLab.Data;
using WaifuLab.Stabilizers;
using static TorchSharp.torch;

namespace WaifuLab.Training;

/// <summary>
/// The conditional half of a <see cref="GanTrainer"/>: G(z, c) and D(x, c) sized from the run's
/// <see cref="TrainOptions.Model"/> and the label schema, their Adam optimizers, and the pool of the data's condition
/// rows that fake batches and unrequested attributes are drawn from. The update math is
/// <see cref="ConditionalGanStep.Update"/>; this class only wires it into the trainer (random draws, checkpoints, grids).
/// </summary>
internal sealed class ConditionalModels : IDisposable
{
    public ConditionalModels(TrainOptions options, LabelSchema schema, Generator init, Device device)
    {
        Schema = schema;
        var m = options.Model;
        var o = new ConditionalGanOptions
        {
            ImageSize = m.ImageSize, Nz = m.Nz, Ngf = m.Ngf, Ndf = m.Ndf, ConditionSize = schema.Width, EmbedSize = options.EmbedSize,
            ConditionalBatchNorm = options.ConditionalBatchNorm,
            Conditioning = options.Conditioning!.Value, AuxWeight = options.AuxWeight, ModeSeekingWeight = options.ModeSeekingWeight, Schema = schema,
        }.Validate();
        G = new ConditionalGenerator(o);
        D = ConditionalDiscriminator.Create(o);
        ConditionalInit.Apply(G, init);
        ConditionalInit.Apply(D, init);
        G.to(device);
        D.to(device);
        _batchSize = options.BatchSize;
        if (options.EmaBeta > 0)
        {
            Shadow = new ConditionalGenerator(o);
            Shadow.to(device);
            Ema = new Ema(G, Shadow, options.EmaBeta, rampup: true);
        }
        OptimizerG = optim.Adam(G.parameters(), lr: options.LrG, beta1: options.Beta1, beta2: options.Beta2);
        OptimizerD = optim.Adam(D.parameters(), lr: options.LrD, beta1: options.Beta1, beta2: options.Beta2);
    }

    public LabelSchema Schema { get; }
    public ConditionalGenerator G { get; }
    public ConditionalDiscriminator D { get; }
    public Adam OptimizerG { get; }
    public Adam OptimizerD { get; }
    /// <summary>The moving average of G's weights (null when <see cref="TrainOptions.EmaBeta"/> is 0).</summary>
    public Ema? Ema { get; }
    ConditionalGenerator? Shadow { get; }
    readonly int _batchSize;

    /// <summary>
    /// The generator to draw images from: G's moving average when there is one (its BatchNorm statistics recomputed for
    /// the averaged weights whenever these have changed), else G.
    /// </summary>
    public ConditionalGenerator Sampler
    {
        get
        {
            if (Shadow is null) return G;
            if (Ema!.StatisticsStale)
            {
                var device = DcganBlocks.DeviceOf(Shadow);
                using var noise = new Generator((ulong)StandingStatistics.Seed, CPU); // its own stream: the run's draws stay as they are
                Ema.EnsureStandingStatistics(StandingStatistics.Batches, k =>
                {
                    using var scope = NewDisposeScope();
                    var z = randn([_batchSize, Shadow.Options.Nz], generator: noise).to(device);
                    var c = AttributeRequest.Fill(AttributeRequest.None(Schema), Pool, _batchSize, StandingStatistics.Seed + k).to(device);
                    Shadow.forward(z, c);
                });
            }
            return Shadow;
        }
    }
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

    /// <summary>One update on real images and their conditions; noise and fake conditions come from <paramref name="rng"/>.</summary>
    public UpdateResult Step(Tensor real, Tensor conditions, Tensor noise, Generator rng)
    {
        if (Pool is null) throw new InvalidOperationException("a conditional update needs the data's condition rows: train through GanTrainer.Train, or call it once first");
        using var scope = NewDisposeScope();
        int n = (int)real.shape[0];
        var fakeC = D.Options.ModeSeekingWeight > 0
            ? ModeSeekingLoss.Paired(Pool.Sample((n + 1) / 2, real.device, rng), n) // pairs of z under one condition
            : Pool.Sample(n, real.device, rng);
        var r = ConditionalGanStep.Update(G, D, OptimizerG, OptimizerD, real, conditions.to(float32).to(real.device), noise, fakeC);
        Ema?.Update();
        var extra = new Dictionary<string, double>();
        if (D.Mode is ConditioningMode.AuxiliaryClassifier or ConditioningMode.ProjectionClassifier)
        {
            extra["aux_d"] = r.AuxLoss;
            extra["aux_g"] = r.AuxLossG;
        }
        if (D.Options.ModeSeekingWeight > 0) extra["mode_seeking"] = r.ModeSeeking;
        return new UpdateResult(r.LossD, r.LossG, r.DReal, r.DFakeBefore, r.DFakeAfter) { Extra = extra.Count > 0 ? extra : null };
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

    /// <summary>
    /// The fixed grid of a conditional run: one row per value of the first categorical attribute (hair colour for the
    /// built-in faces), the same noise and other attributes down each column. Returns the images and the column count.
    /// </summary>
    public (Tensor Images, int Columns) FixedGrid(int gridCount, long seed)
    {
        var spec = Schema.Attributes.FirstOrDefault(a => a.Kind == AttributeKind.Categorical) ?? Schema.Attributes[0];
        const int continuousRows = 5;
        int rows = spec.Kind == AttributeKind.Categorical ? spec.Values.Count : continuousRows;
        int columns = Math.Max(1, gridCount / rows);
        return (AttributeGrid.Make(Sampler, Schema, spec.Name, columns, seed, Pool, continuousRows), columns);
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

    /// <summary>Writes G's moving average (when there is one) after the condition rows of a checkpoint.</summary>
    public void SaveEma(BinaryWriter w) => Shadow?.save(w);

    /// <summary>Reads G's moving average and continues its ramp-up from <paramref name="iteration"/>.</summary>
    public void LoadEma(BinaryReader r, long iteration)
    {
        if (Shadow is null) return;
        Shadow.load(r);
        Ema!.ResumeAt(iteration);
    }

    /// <summary>Same attributes, kinds, values and ranges (schemas read from JSON are other instances of equal content).</summary>
    public static bool SameSchema(LabelSchema a, LabelSchema b) =>
        ReferenceEquals(a, b) || a.Attributes.Count == b.Attributes.Count && a.Attributes.Zip(b.Attributes).All(p =>
            string.Equals(p.First.Name, p.Second.Name, StringComparison.OrdinalIgnoreCase) && p.First.Kind == p.Second.Kind
            && p.First.Values.SequenceEqual(p.Second.Values, StringComparer.OrdinalIgnoreCase)
            && p.First.Min == p.Second.Min && p.First.Max == p.Second.Max);

    public void Dispose()
    {
        OptimizerG.Dispose();
        OptimizerD.Dispose();
        G.Dispose();
        D.Dispose();
        Shadow?.Dispose();
        Pool?.Dispose();
    }
}
