using SkiaSharp;
using WaifuLab.Data;

namespace WaifuLab.Tests.Data;

public class DecodeCacheTests
{
    static TestFolder Folder()
    {
        var folder = new TestFolder();
        for (int i = 0; i < 4; i++)
            folder.Png($"img{i}.png", 10, 8, (x, y) => new SKColor((byte)(x * 20 + i), (byte)(y * 25), (byte)(i * 60)));
        folder.Text("broken.png", "junk");
        return folder;
    }

    [Fact]
    public void Second_load_reads_the_cache_and_gives_the_identical_dataset()
    {
        var folder = Folder();
        using var first = ImageFolder.Load(folder.Root, 8);
        Assert.Equal(CacheOutcome.Written, first.Report.Cache);
        Assert.False(first.Report.FromCache);
        Assert.True(File.Exists(first.Report.CacheFile));
        Assert.StartsWith(Path.Combine(folder.Root, ".waifulab-cache"), first.Report.CacheFile);

        using var second = ImageFolder.Load(folder.Root, 8);
        Assert.Equal(CacheOutcome.Hit, second.Report.Cache);
        Assert.True(second.Report.FromCache);
        Assert.True(Same(first.Dataset.Images, second.Dataset.Images));
        Assert.Equal(first.Files, second.Files);
        Assert.Equal(["broken.png"], second.Report.SkippedCorrupt);

        // Another size is another cache.
        using var other = ImageFolder.Load(folder.Root, 4);
        Assert.Equal(CacheOutcome.Written, other.Report.Cache);
    }

    [Fact]
    public void A_changed_file_makes_the_cache_stale_and_it_is_rebuilt()
    {
        var folder = Folder();
        using (var first = ImageFolder.Load(folder.Root, 8)) Assert.Equal(CacheOutcome.Written, first.Report.Cache);
        var changed = folder.Solid("img2.png", 8, SKColors.White);
        File.SetLastWriteTimeUtc(changed, DateTime.UtcNow.AddMinutes(1));

        using var reloaded = ImageFolder.Load(folder.Root, 8);
        Assert.Equal(CacheOutcome.Written, reloaded.Report.Cache);
        Assert.True(reloaded.Dataset.Images[2].eq(1).all().item<bool>(), "the new pixels, not the cached ones");
        // The stale cache of this size is removed, the new one used next time.
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(reloaded.Report.CacheFile)!, "images-8px-*.bin"));
        using var again = ImageFolder.Load(folder.Root, 8);
        Assert.True(again.Report.FromCache);

        // A new image also invalidates it.
        folder.Solid("img9.png", 8, SKColors.Black);
        using var grown = ImageFolder.Load(folder.Root, 8);
        Assert.Equal((CacheOutcome.Written, 5), (grown.Report.Cache, grown.Dataset.Count));
    }

    [Fact]
    public void A_corrupt_cache_is_ignored_and_rewritten()
    {
        var folder = Folder();
        using var first = ImageFolder.Load(folder.Root, 8);
        var path = first.Report.CacheFile!;
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(path, bytes);

        using var second = ImageFolder.Load(folder.Root, 8);
        Assert.Equal(CacheOutcome.Written, second.Report.Cache);
        Assert.Contains("checksum", second.Report.CacheNote);
        Assert.True(Same(first.Dataset.Images, second.Dataset.Images));

        File.WriteAllBytes(path, bytes[..100]);
        using var third = ImageFolder.Load(folder.Root, 8);
        Assert.Equal(CacheOutcome.Written, third.Report.Cache);
        Assert.True(Same(first.Dataset.Images, third.Dataset.Images));
        using var fourth = ImageFolder.Load(folder.Root, 8);
        Assert.True(fourth.Report.FromCache);
    }

    [Fact]
    public void Cache_can_be_turned_off_or_placed_elsewhere()
    {
        var folder = Folder();
        using (var off = ImageFolder.Load(folder.Root, 8, new ImageFolderOptions { UseCache = false }))
            Assert.Equal(CacheOutcome.Disabled, off.Report.Cache);
        Assert.False(Directory.Exists(folder.PathOf(".waifulab-cache")));

        var elsewhere = Directory.CreateTempSubdirectory("waifulab-cache").FullName;
        using var placed = ImageFolder.Load(folder.Root, 8, new ImageFolderOptions { CacheDir = elsewhere });
        Assert.StartsWith(elsewhere, placed.Report.CacheFile);
    }

    [Fact]
    public void An_unwritable_cache_is_reported_and_the_load_goes_on()
    {
        var folder = Folder();
        var blocker = folder.Text("blocker.txt", "a file where the cache folder would go");
        using var result = ImageFolder.Load(folder.Root, 8, new ImageFolderOptions { CacheDir = Path.Combine(blocker, "cache") });
        Assert.Equal(CacheOutcome.WriteFailed, result.Report.Cache);
        Assert.Contains("could not write the cache", result.Report.CacheNote);
        Assert.Null(result.Report.CacheFile);
        Assert.Equal(4, result.Dataset.Count);
    }

    [Fact]
    public void Progress_counts_up_to_the_images_and_cancellation_stops_the_load()
    {
        var folder = Folder();
        var seen = new List<int>();
        using (ImageFolder.Load(folder.Root, 8, progress: new Recorder(seen))) { }
        Assert.Equal(5, seen[^1]);
        seen.Clear();
        using (ImageFolder.Load(folder.Root, 8, progress: new Recorder(seen))) { }
        Assert.Equal(5, seen[^1]);

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => ImageFolder.Load(folder.Root, 8, ct: cancelled.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => ImageFolder.Load(folder.Root, 8, new ImageFolderOptions { UseCache = false }, ct: cancelled.Token));
    }

    sealed class Recorder(List<int> seen) : IProgress<int>
    {
        public void Report(int value) => seen.Add(value);
    }

    static bool Same(TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
