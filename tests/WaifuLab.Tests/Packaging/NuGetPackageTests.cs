using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace WaifuLab.Tests.Packaging;

/// <summary>
/// The WaifuLab NuGet package as a stranger uses it: packed from the built library, restored from a local feed by a
/// fresh console project outside the repository (which picks its own libtorch backend), built and run: it draws
/// faces and trains 5 iterations.
/// </summary>
public sealed class NuGetPackageTests(ITestOutputHelper log) : TempFolderTest
{
#if DEBUG
    const string Configuration = "Debug";
#else
    const string Configuration = "Release";
#endif

    [Fact]
    public void The_package_restores_from_a_local_feed_into_a_fresh_console_project_that_trains()
    {
        var clock = Stopwatch.StartNew();
        // A version of its own, so no earlier copy in a NuGet cache can stand in for this package.
        var version = $"0.1.0-test.{Guid.NewGuid():N}"[..22];
        var feed = Path.Combine(Root, "feed");
        Dotnet(Root, "pack", Repo.PathOf("src", "WaifuLab", "WaifuLab.csproj"), "-c", Configuration, "--no-build",
            "-o", feed, $"-p:Version={version}");
        var package = Path.Combine(feed, $"WaifuLab.{version}.nupkg");
        CheckMetadata(package);
        var packed = clock.Elapsed;

        var app = Path.Combine(Root, "app");
        Directory.CreateDirectory(app);
        // Packages come from the local feed (WaifuLab) or the machine's NuGet cache (read-only fallback), and are
        // unpacked into a folder of the test's own, so the machine's cache never holds this test's package.
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{Path.Combine(Root, "packages")}" /></config>
              <packageSources><add key="local" value="{feed}" /></packageSources>
              <fallbackPackageFolders><add key="machine" value="{Path.Combine(home, ".nuget", "packages")}" /></fallbackPackageFolders>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <RuntimeIdentifier>{RuntimeInformation.RuntimeIdentifier}</RuntimeIdentifier>
                <SelfContained>false</SelfContained>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="WaifuLab" Version="{version}" />
                <PackageReference Include="libtorch-cpu-linux-x64" Version="2.10.0" />
              </ItemGroup>
            </Project>
            """);
        // The package readme's example.
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using WaifuLab.Backend;
            using WaifuLab.Data;
            using WaifuLab.Data.Synthetic;
            using WaifuLab.Training;

            SyntheticFaces.Generate("faces", 64, 32, seed: 1);
            using var faces = ImageFolder.Load("faces", 32);
            var options = Presets.Get("smoke") with { Epochs = 2, MaxIterations = 5, Threads = 2 };
            using var trainer = new GanTrainer(options, "runs/first");
            var history = trainer.Train(faces.Dataset);
            Console.WriteLine($"libstdc++ fix: {TorchBackend.EnsureLoaded().Compat}");
            Console.WriteLine($"trained {trainer.Iteration} iterations, last Loss_D {history[^1].LossD:F4}, checkpoint {trainer.LastCheckpoint}");
            """);
        Dotnet(app, "build", "-c", "Release", "-nologo", "-v", "q");
        var built = clock.Elapsed;
        var output = Dotnet(app, Path.Combine(app, "bin", "Release", "net10.0", RuntimeInformation.RuntimeIdentifier, "app.dll"));
        log.WriteLine($"pack {packed.TotalSeconds:F1} s, restore+build {(built - packed).TotalSeconds:F1} s, run {(clock.Elapsed - built).TotalSeconds:F1} s\n{output}");

        Assert.Contains("trained 5 iterations", output);
        Assert.True(File.Exists(Path.Combine(app, "runs", "first", "checkpoints", "last.ckpt")));
        // WaifuLab came from the feed, not from the repository.
        Assert.True(File.Exists(Path.Combine(Root, "packages", "waifulab", version, $"waifulab.{version}.nupkg")));
    }

    static void CheckMetadata(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        Assert.NotNull(zip.GetEntry("lib/net10.0/WaifuLab.dll"));
        Assert.NotNull(zip.GetEntry("lib/net10.0/WaifuLab.xml")); // XML docs
        Assert.NotNull(zip.GetEntry("README.md"));
        XDocument nuspec;
        using (var s = zip.GetEntry("WaifuLab.nuspec")!.Open()) nuspec = XDocument.Load(s);
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var meta = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal("MIT", (string?)meta.Element(ns + "license"));
        Assert.Equal("README.md", (string?)meta.Element(ns + "readme"));
        Assert.StartsWith("https://", (string?)meta.Element(ns + "repository")?.Attribute("url"));
        Assert.DoesNotContain("Package Description", (string?)meta.Element(ns + "description"));
        var dependencies = meta.Descendants(ns + "dependency").Select(d => (string)d.Attribute("id")!).ToList();
        Assert.Contains("TorchSharp", dependencies);
        // No backend: the application picks libtorch-cpu-*, TorchSharp-cpu or TorchSharp-cuda-*.
        Assert.DoesNotContain(dependencies, id => id.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase)
            || id.StartsWith("TorchSharp-", StringComparison.OrdinalIgnoreCase));
    }

    static string Dotnet(string folder, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        // The test host's MSBuild variables point into its own SDK run; a nested build must find its own.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(key);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(8)), $"dotnet {string.Join(' ', args)} did not finish within 8 minutes");
        var output = stdout.Result + stderr.Result;
        Assert.True(p.ExitCode == 0, $"dotnet {string.Join(' ', args)} failed (exit {p.ExitCode}):\n{output}");
        return output;
    }
}
