using System.Globalization;
using System.Text;
using SkiaSharp;
using WaifuLab.Imaging;

namespace WaifuLab.Data.Synthetic;

/// <summary>
/// The built-in dataset: procedurally drawn anime faces with exact labels. <see cref="Generate"/> writes
/// face_000000.png ... and then labels.csv (file plus one column per attribute of <see cref="Schema"/>); labels.csv
/// is written last, so a folder holding it is complete. Face i depends only on (seed, i): same seed, same bytes.
/// </summary>
public static class SyntheticFaces
{
    public const string LabelsFile = "labels.csv";
    /// <summary>Marks a folder as this generator's, so a later run may replace its face_*.png and labels.csv there.</summary>
    public const string MarkerFile = ".waifulab-synth";

    /// <summary>The attributes and their values, in labels.csv column order.</summary>
    public static LabelSchema Schema { get; } = new(
    [
        AttributeSpec.Categorical("hair", Names<HairColor>()),
        AttributeSpec.Categorical("eyes", Names<EyeColor>()),
        AttributeSpec.Categorical("style", Names<HairStyle>()),
        AttributeSpec.Categorical("glasses", "no", "yes"),
        AttributeSpec.Categorical("blush", "no", "yes"),
        AttributeSpec.Categorical("accessory", Names<FaceAccessory>()),
        AttributeSpec.Continuous("mouth", 0, 1),
    ]);

    private static string[] Names<T>() where T : struct, Enum => Enum.GetValues<T>().Select(FaceAttributes.Label).ToArray();

    /// <summary>File name of face <paramref name="index"/> (six digits, more when the count needs them).</summary>
    public static string FileName(int index, int count) => $"face_{index.ToString(new string('0', Math.Max(6, (count - 1).ToString(CultureInfo.InvariantCulture).Length)), CultureInfo.InvariantCulture)}.png";

    /// <summary>The attributes and nuisance of face <paramref name="index"/> for <paramref name="seed"/>.</summary>
    public static (FaceAttributes Face, FaceNuisance Nuisance) Sample(int seed, int index)
    {
        var sampler = new FaceSampler(seed);
        var face = sampler.Attributes(index);
        return (face, sampler.Nuisance(index, face.Hair));
    }

    /// <summary>
    /// Writes <paramref name="count"/> faces of <paramref name="size"/> px into <paramref name="outDir"/> in parallel,
    /// then labels.csv. It writes only into an empty folder or one it wrote before (marked by <see cref="MarkerFile"/>):
    /// a folder holding anything else is refused, so it never replaces or deletes a user's files. In its own folder an
    /// existing labels.csv is removed first, so an interrupted run never leaves a folder that looks complete, and face
    /// files of an earlier larger run are removed. <paramref name="progress"/> receives the number of images written so far.
    /// </summary>
    public static void Generate(string outDir, int count, int size, int seed, IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        Check(outDir, count, size);
        Directory.CreateDirectory(outDir);
        var marker = Path.Combine(outDir, MarkerFile);
        if (!File.Exists(marker))
        {
            if (Directory.EnumerateFileSystemEntries(outDir).FirstOrDefault() is { } foreign)
                throw new ArgumentException($"{outDir} already holds files that data synth did not write (e.g. {Path.GetFileName(foreign)}): " +
                    "give an empty or new folder; data synth never replaces or deletes files it did not write", nameof(outDir));
            Training.AtomicFile.WriteAllText(marker, "written by waifulab data synth: it may replace face_*.png and labels.csv in this folder\n");
        }
        var labelsPath = Path.Combine(outDir, LabelsFile);
        File.Delete(labelsPath);

        var rows = new string[count];
        int done = 0, step = Math.Max(1, count / 100);
        var sampler = new FaceSampler(seed);
        Parallel.For(0, count, new ParallelOptions { CancellationToken = cancel }, i =>
        {
            var face = sampler.Attributes(i);
            var png = FaceRenderer.RenderPng(face, sampler.Nuisance(i, face.Hair), size);
            var name = FileName(i, count);
            File.WriteAllBytes(Path.Combine(outDir, name), png);
            rows[i] = Row(name, face);
            int n = Interlocked.Increment(ref done);
            if (progress is not null && (n % step == 0 || n == count)) progress.Report(n);
        });
        cancel.ThrowIfCancellationRequested();

        // Faces left from an earlier, larger run in the same folder would be read as part of this set by a loader
        // that lists images; only this generator's own file names are touched.
        var expected = new HashSet<string>(Enumerable.Range(0, count).Select(i => FileName(i, count)));
        foreach (var stale in Directory.EnumerateFiles(outDir, "face_*.png").Where(f => !expected.Contains(Path.GetFileName(f))).ToList())
            File.Delete(stale);

        var csv = new StringBuilder();
        csv.Append("file,").AppendJoin(',', Schema.Attributes.Select(a => a.Name)).Append('\n');
        foreach (var row in rows) csv.Append(row).Append('\n');
        Training.AtomicFile.WriteAllText(labelsPath, csv.ToString());
    }

    private static string Row(string file, FaceAttributes face)
    {
        var labels = face.ToLabels();
        return file + "," + string.Join(',', Schema.Attributes.Select(a => labels[a.Name]));
    }

    internal static void Check(string outDir, int count, int size)
    {
        if (string.IsNullOrWhiteSpace(outDir)) throw new ArgumentException("the output folder is empty; give a folder such as data/synthfaces", nameof(outDir));
        if (count <= 0) throw new ArgumentException($"count must be at least 1 (got {count}); e.g. 20000 for a training set", nameof(count));
        FaceRenderer.CheckSize(size);
    }

    /// <summary>
    /// A grid of the first rows x columns faces of <paramref name="seed"/>, each <paramref name="size"/> px, with
    /// 2 px white padding (as <see cref="ImageGrid"/> pads): the picture of the dataset in the README.
    /// </summary>
    public static PngImage Grid(int size, int seed, int rows = 8, int columns = 8)
    {
        FaceRenderer.CheckSize(size);
        return Compose(size, rows, columns, (r, c) => Sample(seed, r * columns + c));
    }

    /// <summary>
    /// One row per hair colour (in <see cref="HairColor"/> order): the first faces of <paramref name="seed"/> with their
    /// hair recoloured, so each row shows one label value across varied other attributes.
    /// </summary>
    public static PngImage HairRows(int size, int seed, int columns = 8)
    {
        FaceRenderer.CheckSize(size);
        var colours = Enum.GetValues<HairColor>();
        var sampler = new FaceSampler(seed);
        return Compose(size, colours.Length, columns, (r, c) =>
        {
            int index = r * columns + c;
            var face = sampler.Attributes(index) with { Hair = colours[r] };
            return (face, sampler.Nuisance(index, face.Hair));
        });
    }

    private static PngImage Compose(int size, int rows, int columns, Func<int, int, (FaceAttributes, FaceNuisance)> cell)
    {
        if (rows < 1 || columns < 1 || rows > 64 || columns > 64)
            throw new ArgumentException($"a grid needs 1 to 64 rows and columns (got {rows} x {columns})");
        const int pad = 2;
        int w = columns * (size + pad) + pad, h = rows * (size + pad) + pad;
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++)
                {
                    var (face, nuisance) = cell(r, c);
                    canvas.Save();
                    canvas.Translate(pad + c * (size + pad), pad + r * (size + pad));
                    FaceRenderer.Draw(canvas, face, nuisance, size);
                    canvas.Restore();
                }
        }
        return TensorImage.EncodePng(bitmap);
    }
}
