using WaifuLab.Backend;
using static TorchSharp.torch;

namespace WaifuLab.Data;

/// <summary>
/// Loads a folder of images (recursively: png, jpg, jpeg, webp, bmp) as an <see cref="ImageDataset"/>: files in sorted
/// order, each center-cropped to a square and resized to <c>size</c>, decoded in parallel; with an optional labels CSV
/// turned into condition vectors. Corrupt files are skipped and reported, never fatal. Decoded pixels are cached on
/// disk so the next load of the same files at the same size only reads them back.
/// </summary>
public static class ImageFolder
{
    public const string DefaultLabelsFile = "labels.csv";
    public const string DefaultCacheDir = ".waifulab-cache";
    const int DecodeChunk = 512;

    public static ImageFolderResult Load(string folder, int size, ImageFolderOptions? options = null,
        IProgress<int>? progress = null, CancellationToken ct = default)
    {
        options ??= new ImageFolderOptions();
        if (string.IsNullOrWhiteSpace(folder)) throw new ArgumentException("no image folder given", nameof(folder));
        if (size < 4 || size > 2048) throw new ArgumentOutOfRangeException(nameof(size), size, "image size must be between 4 and 2048 pixels");
        if (options.MaxImages is < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaxImages, "MaxImages must be at least 1 (or null for all)");
        if (options.Threads is < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Threads, "Threads must be at least 1 (or null for every core)");
        TorchBackend.EnsureLoaded();

        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"image folder not found: {root}; pass a folder of images (png, jpg, jpeg, webp, bmp), see data/README.md");
        var cacheDir = Path.GetFullPath(options.CacheDir ?? Path.Combine(root, DefaultCacheDir));
        var all = FindImages(root, cacheDir);
        if (all.Count == 0)
            throw new InvalidDataException($"no images found in {root} (looked for {string.Join(", ", SquareImageDecoder.Extensions)}, in subfolders too); " +
                "put the images there or pass the folder that holds them");

        // Labels decide which images take part, so they come before decoding.
        LabelTable? table = null;
        LabelSchema? schema = null;
        var selected = all;
        var unlabelled = new List<string>();
        var labelsPath = options.LabelsFile ?? Path.Combine(root, DefaultLabelsFile);
        if (options.UseLabels && (options.LabelsFile is not null || File.Exists(labelsPath)))
        {
            table = LabelTable.Read(labelsPath);
            schema = options.Schema ?? LabelSchemaInference.Infer(table);
            table.Validate(schema);
            CheckRowsNameImages(table, all, root);
            selected = [];
            foreach (var f in all)
                if (table.TryGetRow(f, out _)) selected.Add(f); else unlabelled.Add(f);
            if (unlabelled.Count > 0 && options.MissingLabels == MissingLabelPolicy.Error)
                throw new LabelFileException(table.Path, null, "file",
                    $"{unlabelled.Count} of {all.Count} images have no row, e.g. {Examples(unlabelled)}; add rows for them, " +
                    "or drop them (MissingLabels = Drop; CLI: --drop-unlabelled), or load without labels");
            if (selected.Count == 0)
                throw new LabelFileException(table.Path, null, "file", $"no row names an image of {root}; file names must be relative to that folder");
        }
        if (options.MaxImages is int max && selected.Count > max) selected = selected.GetRange(0, max);

        var status = new bool[selected.Count];
        var (cache, cacheFile, cacheNote, pixels) = Fill(root, selected, size, options, cacheDir, status, progress, ct);
        using var ownedPixels = pixels;

        var files = new List<string>(pixels.Count);
        var corrupt = new List<string>();
        for (int i = 0; i < selected.Count; i++) (status[i] ? files : corrupt).Add(selected[i]);
        if (files.Count == 0)
            throw new InvalidDataException($"none of the {selected.Count} images in {root} could be decoded (e.g. {Examples(corrupt)}); " +
                "check that they are PNG, JPEG, WebP or BMP files");

        var images = pixels.Finish();
        Tensor? conditions = null;
        try
        {
            if (table is not null && schema is not null)
            {
                var flat = new float[files.Count * schema.Width];
                for (int i = 0; i < files.Count; i++)
                {
                    table.TryGetRow(files[i], out var row);
                    table.Encode(schema, row).CopyTo(flat, i * schema.Width);
                }
                conditions = tensor(flat, [files.Count, schema.Width]);
            }
            var report = new LoadReport(all.Count, files.Count, corrupt, unlabelled, cache, cacheFile, cacheNote);
            return new ImageFolderResult(new ImageDataset(images, conditions, root) { Fingerprint = DatasetFingerprint.Of(root, files) }, schema, files, report);
        }
        catch
        {
            images.Dispose();
            conditions?.Dispose();
            throw;
        }
    }

    /// <summary>Image files under <paramref name="root"/>, relative with '/' separators, sorted ordinally (the same order on every machine).</summary>
    static List<string> FindImages(string root, string cacheDir)
    {
        // Hidden files and folders (".waifulab-cache", ".git") are skipped by the default attributes-to-skip.
        var enumeration = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true };
        var cachePrefix = cacheDir.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var files = Directory.EnumerateFiles(root, "*", enumeration)
            .Where(p => SquareImageDecoder.Extensions.Contains(Path.GetExtension(p), StringComparer.OrdinalIgnoreCase))
            .Where(p => !p.StartsWith(cachePrefix, StringComparison.Ordinal))
            .Select(p => Path.GetRelativePath(root, p).Replace(Path.DirectorySeparatorChar, '/'))
            .ToList();
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    static void CheckRowsNameImages(LabelTable table, List<string> images, string root)
    {
        var set = new HashSet<string>(images, StringComparer.Ordinal);
        var unknown = table.Rows.Where(r => !set.Contains(r.File)).ToList();
        if (unknown.Count == 0) return;
        var first = unknown[0];
        var more = unknown.Count > 1 ? $" (and {unknown.Count - 1} more rows name missing images)" : "";
        throw new LabelFileException(table.Path, first.Line, "file",
            $"'{first.File}' is not an image in {root}{more}; remove those rows or add the images (names are relative to the folder)");
    }

    /// <summary>Gathers the pixels from the cache when it is valid, else by decoding (and writing a new cache).</summary>
    static (CacheOutcome, string?, string?, PixelAccumulator) Fill(string root, List<string> files, int size, ImageFolderOptions options,
        string cacheDir, bool[] status, IProgress<int>? progress, CancellationToken ct)
    {
        var pixels = new PixelAccumulator(files.Count, size);
        try
        {
            if (!options.UseCache)
            {
                Decode(root, files, size, options, pixels, status, null, progress, ct);
                return (CacheOutcome.Disabled, null, null, pixels);
            }

            var key = DecodeCache.Key(root, files, size);
            var path = DecodeCache.PathFor(cacheDir, size, key);
            int read = 0;
            if (DecodeCache.TryRead(path, size, key, files.Count, (i, decoded, rgb) =>
                {
                    if (decoded) { pixels.Add(rgb); status[i] = true; }
                    if (++read % DecodeChunk == 0) progress?.Report(read);
                }, ct, out var note))
            {
                progress?.Report(files.Count);
                return (CacheOutcome.Hit, path, null, pixels);
            }
            if (read > 0)
            {
                // The cache failed its checksum after delivering images: start over with fresh buffers.
                pixels.Dispose();
                pixels = new PixelAccumulator(files.Count, size);
                Array.Clear(status);
            }

            using var writer = DecodeCache.Writer.TryCreate(path, size, key, files.Count, out var createError);
            Decode(root, files, size, options, pixels, status, writer, progress, ct);
            if (writer is not null && writer.Commit())
                return (CacheOutcome.Written, path, note, pixels);
            var failure = createError ?? writer?.Failure;
            return (CacheOutcome.WriteFailed, null, note is null ? failure : $"{note}; {failure}", pixels);
        }
        catch
        {
            pixels.Dispose();
            throw;
        }
    }

    static void Decode(string root, List<string> files, int size, ImageFolderOptions options, PixelAccumulator pixels, bool[] status,
        DecodeCache.Writer? writer, IProgress<int>? progress, CancellationToken ct)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Threads ?? Environment.ProcessorCount, CancellationToken = ct };
        var results = new byte[]?[Math.Min(DecodeChunk, files.Count)];
        for (int start = 0; start < files.Count; start += DecodeChunk)
        {
            int n = Math.Min(DecodeChunk, files.Count - start);
            Parallel.For(0, n, parallel, i => results[i] = TryDecode(Path.Combine(root, files[start + i]), size));
            for (int i = 0; i < n; i++)
            {
                var rgb = results[i];
                writer?.Add(rgb);
                if (rgb is not null) { pixels.Add(rgb); status[start + i] = true; }
                results[i] = null;
            }
            progress?.Report(start + n);
        }
    }

    /// <summary>Decodes one file; null when it cannot be read as an image (reported as corrupt, never thrown).</summary>
    static byte[]? TryDecode(string path, int size)
    {
        try { return SquareImageDecoder.Decode(path, size); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    static string Examples(IReadOnlyList<string> files) =>
        string.Join(", ", files.Take(3).Select(f => $"'{f}'")) + (files.Count > 3 ? ", ..." : "");
}
