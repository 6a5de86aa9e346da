using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace WaifuLab.Cli;

/// <summary>
/// The range of every number a user can type, by option name (the names mean the same in every command), checked
/// while parsing, so an out-of-range value is a usage error (exit 2) before anything runs: no 100,000 libtorch
/// threads, no learning rate beyond float32. A numeric option missing from the table still gets the floor every number
/// needs: finite, within float32 for fractions, not negative for counts. Commands check finer rules themselves
/// (a power-of-two image size, a batch no larger than the data).
/// </summary>
public static class NumericRanges
{
    const double Float32Max = float.MaxValue;
    const int Huge = int.MaxValue;

    /// <summary>Inclusive bounds; <c>OpenLow</c> excludes the minimum (learning rates must be above 0).</summary>
    public sealed record Range(double Min, double Max, bool OpenLow = false, string? Why = null)
    {
        public bool Contains(double v) => double.IsFinite(v) && (OpenLow ? v > Min : v >= Min) && v <= Max;
        public override string ToString() =>
            OpenLow ? FormattableString.Invariant($"above {Min:G} and at most {Max:G}")
            : Max >= Huge ? FormattableString.Invariant($"at least {Min:G}")
            : FormattableString.Invariant($"from {Min:G} to {Max:G}") + (Why is null ? "" : $" ({Why})");
    }

    static readonly Dictionary<string, Func<Range>> Table = new()
    {
        // More threads than cores only slow libtorch down, and enough of them exhaust the machine's thread limit.
        ["--threads"] = () => new(1, Environment.ProcessorCount, Why: "this machine's cores"),
        ["--epochs"] = () => new(1, 1_000_000),
        ["--max-iterations"] = () => new(1, Huge),
        ["--batch-size"] = () => new(1, 65_536),
        ["--batch"] = () => new(1, 65_536),
        ["--lr-g"] = () => new(0, 10, OpenLow: true),
        ["--lr-d"] = () => new(0, 10, OpenLow: true),
        ["--beta1"] = () => new(0, 0.999999, Why: "Adam needs it below 1"),
        ["--beta2"] = () => new(0, 0.999999, Why: "Adam needs it below 1"),
        ["--aux-weight"] = () => new(0, 1000),
        ["--mode-seeking"] = () => new(0, 1000),
        ["--ema"] = () => new(0, 0.999999),
        ["--log-every"] = () => new(1, Huge),
        ["--eval-every"] = () => new(1, Huge),
        ["--checkpoint-every"] = () => new(0, Huge),
        ["--count"] = () => new(1, 1_000_000),
        ["--size"] = () => new(8, 1024),
        ["--classifier-epochs"] = () => new(1, 10_000),
        ["--classifier-images"] = () => new(1, 10_000_000),
        ["--iterations"] = () => new(1, 10_000_000),
        ["--warmup"] = () => new(0, 1_000_000),
        ["--images"] = () => new(1, 10_000_000),
        ["--ngf"] = () => new(1, 4096),
        ["--nf"] = () => new(1, 4096),
        ["--d-width"] = () => new(1, 64),
        ["--extra-blocks"] = () => new(0, 16),
        ["--d-lr-boost"] = () => new(0, 1000, OpenLow: true),
        ["--eval-samples"] = () => new(0, 1_000_000),
        ["--gc-every"] = () => new(0, Huge),
        ["--width"] = () => new(64, 16_384),
        ["--height"] = () => new(64, 16_384),
        ["--smooth"] = () => new(0, 1_000_000),
        ["--columns"] = () => new(1, 256),
        ["--grid-rows"] = () => new(1, 64),
        ["--grid-columns"] = () => new(1, 64),
        ["--steps"] = () => new(1, 1_000_000),
        ["--restarts"] = () => new(1, 1024),
        ["--instance-noise"] = () => new(0, 10),
        ["--instance-noise-iterations"] = () => new(1, Huge),
        ["--r1"] = () => new(0, 1e6),
        ["--r1-every"] = () => new(1, Huge),
        ["--d-steps"] = () => new(1, 100),
        ["--g-steps"] = () => new(1, 100),
    };

    /// <summary>The range of option <paramref name="name"/> of value type <paramref name="type"/>; null for seeds (any value).</summary>
    public static Range? For(string name, Type type)
    {
        if (name == "--seed") return null;
        if (Table.TryGetValue(name, out var range)) return range();
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(double) || t == typeof(float) ? new(-Float32Max, Float32Max) : new(0, t == typeof(int) ? int.MaxValue : long.MaxValue);
    }

    /// <summary>Adds the range check to every numeric option under <paramref name="command"/> (once).</summary>
    public static void Apply(Command command)
    {
        foreach (var option in command.Options)
        {
            var t = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
            if (t != typeof(int) && t != typeof(long) && t != typeof(double) && t != typeof(float)) continue;
            lock (Applied)
            {
                if (Applied.TryGetValue(option, out _)) continue;
                Applied.Add(option, option);
            }
            var range = For(option.Name, option.ValueType);
            if (range is null) continue;
            option.Validators.Add(result => Check(result, option, range));
        }
        foreach (var sub in command.Subcommands) Apply(sub);
    }

    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Option, Option> Applied = new();

    static void Check(OptionResult result, Option option, Range range)
    {
        if (result.Implicit || result.Tokens.Count == 0) return;
        var token = result.Tokens[^1].Value;
        if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) return; // the parser reports it
        if (!range.Contains(v))
            result.AddError($"{option.Name} must be {range}, got {token}");
    }
}
