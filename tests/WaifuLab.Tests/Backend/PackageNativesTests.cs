using System.Runtime.InteropServices;
using WaifuLab.Backend;

namespace WaifuLab.Tests.Backend;

/// <summary>How WaifuLab finds TorchSharp's natives when TorchSharp.dll comes straight from the NuGet cache (.NET Interactive).</summary>
public sealed class PackageNativesTests : TempFolderTest
{
    string Package(string relative, string content = "x")
    {
        var path = Path.Combine(Root, "packages", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Natives_are_found_in_the_packages_beside_TorchSharp()
    {
        var rid = RuntimeInformation.RuntimeIdentifier;
        var dll = Package("torchsharp/0.107.0/lib/net8.0/TorchSharp.dll");
        var sharp = Package($"torchsharp/0.107.0/runtimes/{rid}/native/libLibTorchSharp.so");
        Assert.Null(PackageNatives.Locate(dll, "2.10.0")); // no libtorch package yet: TorchSharp's own message applies
        var torch = Package($"libtorch-cpu-{rid}/2.10.0/runtimes/{rid}/native/libtorch.so");

        Assert.Equal(new PackageNatives(sharp, torch), PackageNatives.Locate(dll, "2.10.0"));
        Assert.Null(PackageNatives.Locate(dll, "2.7.1")); // only the libtorch version TorchSharp was built for
    }

    [Fact]
    public void The_private_copy_is_named_by_content_and_made_once()
    {
        var natives = new PackageNatives(Package("torchsharp/1/libLibTorchSharp.so", "version one"), "unused");
        var cache = Path.Combine(Root, "cache");
        var copy = natives.PrivateCopy(cache);
        Assert.Equal("version one", File.ReadAllText(copy));
        Assert.StartsWith(cache, copy);

        File.WriteAllText(copy, "patched"); // a patched copy is kept, not overwritten
        Assert.Equal(copy, natives.PrivateCopy(cache));
        Assert.Equal("patched", File.ReadAllText(copy));

        var other = new PackageNatives(Package("torchsharp/2/libLibTorchSharp.so", "version two"), "unused");
        Assert.NotEqual(copy, other.PrivateCopy(cache)); // a new TorchSharp gets its own copy
        Assert.Empty(Directory.GetFiles(cache, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void The_cache_folder_follows_XDG_CACHE_HOME()
    {
        var before = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        try
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", Root);
            Assert.Equal(Path.Combine(Root, "waifulab", "natives"), PackageNatives.DefaultCacheFolder());
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", before);
        }
    }
}
