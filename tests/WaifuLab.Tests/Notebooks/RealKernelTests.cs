using WaifuLab.Backend;

namespace WaifuLab.Tests.Notebooks;

/// <summary>The first cell of every notebook, step by step in the real kernel: TorchSharp's natives and the formatters.</summary>
[Collection(NotebookSmoke.Name)]
public sealed class RealKernelTests
{
    /// <summary>The references of every notebook's first cell.</summary>
    const string References = """
        #r "nuget: TorchSharp, 0.107.0"
        #r "nuget: libtorch-cpu-linux-x64, 2.10.0"
        #r "nuget: SkiaSharp, 4.155.0"
        #r "nuget: SkiaSharp.NativeAssets.Linux.NoDependencies, 4.155.0"
        #r "nuget: Plotly.NET, 6.0.0"
        #r "nuget: Plotly.NET.CSharp, 0.14.0"
        #r "../src/WaifuLab/bin/Release/net10.0/WaifuLab.dll"
        """;

    [Fact]
    public void TorchSharp_loads_from_a_patched_private_copy_without_touching_the_NuGet_cache()
    {
        var consolidated = ConsolidationFolder(); // where TorchSharp's own fallback would copy ~480 MB
        bool existedBefore = Directory.Exists(consolidated);
        using var kernel = RealKernel.StartSession(Path.Combine(Repo.Root, "notebooks"));

        var (status, outputs) = kernel.Execute(References + """

            var report = WaifuLab.Backend.TorchBackend.EnsureLoaded();
            Console.WriteLine($"{report.NativeLibrary}|{report.Compat}");
            """, TimeSpan.FromMinutes(5));
        Assert.True(status == "ok", $"{status}: {outputs}\n{kernel.Log}");
        var line = Stdout(outputs).Trim().Split('|');
        Assert.StartsWith(PackageNatives.DefaultCacheFolder(), line[0]);
        var host = LibStdCxxCompat.FindHostLibStdCxx()!;
        var hostHasVersion = ElfImage.Load(host).DefinedVersions().Contains(LibStdCxxCompat.Version);
        Assert.Contains(line[1], hostHasVersion ? new[] { "HostHasVersion" } : new[] { "Patched", "AlreadyPatched" });

        (status, outputs) = kernel.Execute("Console.WriteLine(TorchSharp.torch.ones(2, 3).sum().item<float>());", TimeSpan.FromMinutes(2));
        Assert.True(status == "ok", outputs.ToJsonString());
        Assert.Equal("6", Stdout(outputs).Trim());
        if (!existedBefore) Assert.False(Directory.Exists(consolidated), $"TorchSharp's fallback copied natives into {consolidated}");
    }

    [Fact]
    public void Images_are_png_and_charts_render_in_the_kernel()
    {
        using var kernel = RealKernel.StartSession(Path.Combine(Repo.Root, "notebooks"));
        var (status, outputs) = kernel.Execute(References + """

            WaifuLab.Backend.TorchBackend.EnsureLoaded();
            WaifuLab.Notebooks.Formatters.Register();
            """, TimeSpan.FromMinutes(5));
        Assert.True(status == "ok", $"{status}: {outputs}\n{kernel.Log}");

        (status, outputs) = kernel.Execute("WaifuLab.Imaging.ImageGrid.ToPng(TorchSharp.torch.zeros(4, 3, 8, 8), columns: 2)", TimeSpan.FromMinutes(2));
        Assert.True(status == "ok", outputs.ToJsonString());
        var png = Convert.FromBase64String(Assert.Single(outputs)!["data"]!["image/png"]!.GetValue<string>());
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);

        // A chart (Plotly.NET needs FSharp.Core 10.1; the kernel carries 10.0) through display(...).
        (status, outputs) = kernel.Execute("""
            WaifuLab.Notebooks.Display.display(WaifuLab.Plots.Charts.Lines("x", "y", new double[] { 0, 1, 2 }, ("zebra trace", new double[] { 3, 1, 2 })));
            """, TimeSpan.FromMinutes(2));
        Assert.True(status == "ok", outputs.ToJsonString());
        var html = Assert.Single(outputs)!["data"]!["text/html"]!.GetValue<string>();
        Assert.Contains("waifulabPlotly", html);
        Assert.Contains("zebra trace", html);
    }

    static string Stdout(System.Text.Json.Nodes.JsonArray outputs) => string.Concat(outputs
        .Where(o => o!["output_type"]!.GetValue<string>() == "stream" && o["name"]!.GetValue<string>() == "stdout")
        .Select(o => o!["text"]!.GetValue<string>()));

    static string ConsolidationFolder()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(packages, "torchsharp", "0.107.0", "lib", "net8.0", "cpu");
    }
}
