using TorchSharp;
using WaifuLab.Backend;

namespace WaifuLab.Tests.Backend;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class LibStdCxxCompatTests
{
    /// <summary>The unpatched library as NuGet ships it (read only; the tests work on copies).</summary>
    static string PristineLibrary()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                   ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"expected TorchSharp's native library in the NuGet cache at {path}");
        return path;
    }

    static string CopyToTemp(string path)
    {
        var copy = Path.Combine(Directory.CreateTempSubdirectory("waifulab-elf").FullName, Path.GetFileName(path));
        File.Copy(path, copy);
        return copy;
    }

    [Fact]
    public void Shipped_library_needs_the_version_only_for_the_iostream_marker()
    {
        var image = ElfImage.Load(PristineLibrary());
        var need = Assert.Single(image.NeededVersions(), v => v.Name == LibStdCxxCompat.Version);
        Assert.Equal("libstdc++.so.6", need.File);
        Assert.False(need.IsWeak);
        Assert.Equal(["_ZSt21ios_base_library_initv"], image.SymbolsBoundTo(need.Index));
    }

    [Fact]
    public void Host_libstdcxx_versions_are_read()
    {
        var host = LibStdCxxCompat.FindHostLibStdCxx();
        Assert.NotNull(host);
        var versions = ElfImage.Load(host!).DefinedVersions();
        Assert.Contains("GLIBCXX_3.4.26", versions); // what libtorch itself needs
    }

    [Fact]
    public void Patch_sets_exactly_one_weak_bit_and_is_idempotent()
    {
        var host = LibStdCxxCompat.FindHostLibStdCxx()!;
        if (ElfImage.Load(host).DefinedVersions().Contains(LibStdCxxCompat.Version))
            return; // a GCC 13+ host: nothing to patch, covered by the next test

        var copy = CopyToTemp(PristineLibrary());
        var before = File.ReadAllBytes(copy);
        Assert.Equal(LibStdCxxCompat.Outcome.Patched, LibStdCxxCompat.Apply(copy, host));
        var after = File.ReadAllBytes(copy);

        Assert.Equal(before.Length, after.Length);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
        var flagsAt = ElfImage.Load(copy).NeededVersions().Single(v => v.Name == LibStdCxxCompat.Version).FlagsOffset;
        Assert.Equal([(int)flagsAt], changed);
        Assert.Equal(ElfImage.VerFlagWeak, (byte)(after[flagsAt] ^ before[flagsAt]));
        Assert.True(File.GetUnixFileMode(copy).HasFlag(UnixFileMode.UserExecute));

        Assert.Equal(LibStdCxxCompat.Outcome.AlreadyPatched, LibStdCxxCompat.Apply(copy, host));
        Assert.Equal(after, File.ReadAllBytes(copy));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(copy)!, "*.tmp"));
    }

    [Fact]
    public void Nothing_is_patched_when_the_host_defines_the_version()
    {
        var copy = CopyToTemp(PristineLibrary());
        var fakeHost = Path.Combine(Path.GetDirectoryName(copy)!, "libstdc++.so.6");
        File.WriteAllBytes(fakeHost, FakeLibraryDefining(LibStdCxxCompat.Version));
        var before = File.ReadAllBytes(copy);

        Assert.Equal(LibStdCxxCompat.Outcome.HostHasVersion, LibStdCxxCompat.Apply(copy, fakeHost));
        Assert.Equal(before, File.ReadAllBytes(copy));
    }

    [Fact]
    public void A_file_that_is_not_ELF_is_refused()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("waifulab-elf").FullName, "junk.so");
        File.WriteAllText(path, "not a shared library at all, just some text that is long enough to look at.............");
        Assert.Throws<InvalidDataException>(() => LibStdCxxCompat.Apply(path));
    }

    [Fact]
    public void TorchSharp_loads_and_computes()
    {
        var report = TorchBackend.EnsureLoaded();
        Assert.NotEqual(LibStdCxxCompat.Outcome.Patched, LibStdCxxCompat.Apply(report.NativeLibrary!));
        using var x = torch.ones(2, 3);
        Assert.Equal(6f, x.sum().item<float>());
        Assert.Equal(DeviceType.CPU, TorchBackend.Resolve(ComputeDevice.Cpu).type);
    }

    /// <summary>A minimal ELF with section headers [null, .dynstr, .gnu.version_d] defining one version.</summary>
    static byte[] FakeLibraryDefining(string version)
    {
        var strtab = new byte[] { 0 }.Concat(System.Text.Encoding.ASCII.GetBytes(version)).Append((byte)0).ToArray();
        var verdef = new byte[28]; // Elf64_Verdef (20) + Elf64_Verdaux (8)
        BitConverter.TryWriteBytes(verdef.AsSpan(0), (ushort)1);  // vd_version
        BitConverter.TryWriteBytes(verdef.AsSpan(6), (ushort)1);  // vd_cnt
        BitConverter.TryWriteBytes(verdef.AsSpan(12), 20u);       // vd_aux
        BitConverter.TryWriteBytes(verdef.AsSpan(20), 1u);        // vda_name
        int strOff = 64, defOff = strOff + strtab.Length, shOff = (defOff + verdef.Length + 7) / 8 * 8;
        var elf = new byte[shOff + 3 * 64];
        elf[0] = 0x7f; elf[1] = (byte)'E'; elf[2] = (byte)'L'; elf[3] = (byte)'F'; elf[4] = 2; elf[5] = 1;
        BitConverter.TryWriteBytes(elf.AsSpan(0x28), (long)shOff);
        BitConverter.TryWriteBytes(elf.AsSpan(0x3A), (ushort)64);
        BitConverter.TryWriteBytes(elf.AsSpan(0x3C), (ushort)3);
        strtab.CopyTo(elf, strOff);
        verdef.CopyTo(elf, defOff);
        void Header(int i, uint type, int off, int size, uint link, uint info)
        {
            int h = shOff + i * 64;
            BitConverter.TryWriteBytes(elf.AsSpan(h + 4), type);
            BitConverter.TryWriteBytes(elf.AsSpan(h + 24), (long)off);
            BitConverter.TryWriteBytes(elf.AsSpan(h + 32), (long)size);
            BitConverter.TryWriteBytes(elf.AsSpan(h + 40), link);
            BitConverter.TryWriteBytes(elf.AsSpan(h + 44), info);
        }
        Header(1, 3, strOff, strtab.Length, 0, 0);
        Header(2, 0x6ffffffd, defOff, verdef.Length, 1, 1);
        return elf;
    }
}
