using System.CommandLine;
using System.Diagnostics;
using Xunit.Abstractions;
using WaifuLab.Cli;
using WaifuLab.Cli.Commands;
using WaifuLab.Data.Synthetic;
using WaifuLab.Evaluation;
using WaifuLab.Interop;
using WaifuLab.Models;
using WaifuLab.Stabilizers;
using WaifuLab.Tests.Training;
using WaifuLab.Training;
using static TorchSharp.torch;

namespace WaifuLab.Tests.Interop;

public sealed class PyTorchInteropTests(ITestOutputHelper log) : TempFolderTest
{
    // 64 px, the size of pytorch/examples' models, at a tiny width so that a run takes milliseconds.
    static readonly GanModelOptions Model = new(ImageSize: 64, Nz: 8, Ngf: 4, Ndf: 4);

    static int Cli(params string[] args) => CliErrors.Run(new RootCommand
    {
        ExportCommand.Create(), ImportCommand.Create(), SampleCommand.Create(), EvalCommand.Create(), ProjectCommand.Create(),
    }, args);

    /// <summary>A run trained 2 iterations (BatchNorm statistics and weights away from their init); returns its checkpoint.</summary>
    string TrainedRun(string name, bool emaAndSpectralNorm)
    {
        using var data = TrainingFixtures.MakeData(8, 64);
        using var trainer = new GanTrainer(TrainingFixtures.Tiny with { Model = Model with { SpectralNorm = emaAndSpectralNorm }, MaxIterations = 2, EmaBeta = emaAndSpectralNorm ? 0.9 : 0 }, Path.Combine(Root, name));
        trainer.Train(data);
        return trainer.LastCheckpoint!;
    }

    static Tensor Noise(int count, int nz, ulong seed)
    {
        using var g = new TorchSharp.torch.Generator(seed, CPU);
        return randn([count, nz], generator: g);
    }

    [Fact]
    public void Export_uses_the_state_dict_names_of_pytorch_examples_dcgan()
    {
        using var g = new DcganGenerator(Model);
        using var d = new DcganDiscriminator(Model);
        SpectralNorm.Apply(d);
        string[] bn = ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"];
        // main.py's Generator: ConvTranspose2d at 0, 3, 6, 9, 12; BatchNorm2d at 1, 4, 7, 10 (ReLU and Tanh hold nothing).
        var gKeys = new[] { 0, 3, 6, 9, 12 }.Select(i => $"main.{i}.weight")
            .Concat(new[] { 1, 4, 7, 10 }.SelectMany(i => bn.Select(f => $"main.{i}.{f}")));
        Assert.Equal(gKeys.Order(), DcganStateDict.FromGenerator(g).Keys.Order());
        // main.py's Discriminator: Conv2d at 0, 2, 5, 8, 11; BatchNorm2d at 3, 6, 9; spectral norm folded (no u, v).
        var dKeys = new[] { 0, 2, 5, 8, 11 }.Select(i => $"main.{i}.weight")
            .Concat(new[] { 3, 6, 9 }.SelectMany(i => bn.Select(f => $"main.{i}.{f}")));
        Assert.Equal(dKeys.Order(), DcganStateDict.FromDiscriminator(d).Keys.Order());
    }

    [Fact]
    public void Export_then_import_gives_a_checkpoint_that_draws_the_same_images()
    {
        var ckpt = TrainedRun("ema", true);
        var gFile = Path.Combine(Root, "netG.pt");
        var dFile = Path.Combine(Root, "netD.pt");
        Assert.Equal(CliErrors.Ok, Cli("export", "--checkpoint", ckpt, "--format", "pt", "--out", gFile, "--ema", "--d-out", dFile));
        Assert.Equal(WeightFormat.Pt, StateDictFile.Detect(gFile));
        Assert.True(File.Exists(dFile));
        var imported = Path.Combine(Root, "imported", "last.ckpt");
        Assert.Equal(CliErrors.Ok, Cli("import", "--from", gFile, "--arch", "dcgan", "--out", imported));

        using var z = Noise(6, Model.Nz, 7);
        using (var original = GanTrainer.Load(ckpt))
        using (var copy = GanTrainer.Load(imported))
        {
            Assert.Equal(Model with { Ndf = Model.Ngf }, copy.Options.Model);
            using var expected = original.Generate(z); // from the EMA, as sample does
            using var actual = copy.Generate(z);
            Assert.Equal(0.0, expected.sub(actual).abs().max().item<float>(), 6);
            original.Generator.eval();
            using (no_grad())
            using (var raw = original.Generator.forward(z))
                Assert.False(TrainingFixtures.Eq(expected, raw), "the EMA should differ from G after 2 steps");
        }
        // sample reads the imported checkpoint like any other.
        var png = Path.Combine(Root, "imported.png");
        Assert.Equal(CliErrors.Ok, Cli("sample", "--checkpoint", imported, "--count", "4", "--seed", "3", "--out", png));
        Assert.True(new FileInfo(png).Length > 0);
    }

    [Fact]
    public void Safetensors_export_round_trips_G_itself()
    {
        var ckpt = TrainedRun("plain", false);
        var gFile = Path.Combine(Root, "netG.safetensors");
        Assert.Equal(CliErrors.Ok, Cli("export", "--checkpoint", ckpt, "--format", "safetensors", "--out", gFile));
        Assert.Equal(WeightFormat.Safetensors, StateDictFile.Detect(gFile));
        var imported = Path.Combine(Root, "imported.ckpt");
        Assert.Equal(CliErrors.Ok, Cli("import", "--from", gFile, "--out", imported));
        using var z = Noise(4, Model.Nz, 9);
        using var original = GanTrainer.Load(ckpt);
        using var copy = GanTrainer.Load(imported);
        using var expected = original.Generate(z);
        using var actual = copy.Generate(z);
        Assert.Equal(0.0, expected.sub(actual).abs().max().item<float>(), 6);
    }

    [Fact]
    public void An_imported_generator_is_scored_by_eval_and_refused_by_project()
    {
        var gFile = Path.Combine(Root, "netG.pt");
        Assert.Equal(CliErrors.Ok, Cli("export", "--checkpoint", TrainedRun("plain", false), "--out", gFile));
        var imported = Path.Combine(Root, "imported", "last.ckpt");
        Assert.Equal(CliErrors.Ok, Cli("import", "--from", gFile, "--arch", "dcgan", "--out", imported));

        var faces = Path.Combine(Root, "faces");
        SyntheticFaces.Generate(faces, 32, 64, seed: 2);
        Assert.Equal(CliErrors.Ok, Cli("eval", "--checkpoint", imported, "--data", faces, "--count", "16",
            "--classifier-cache", Path.Combine(Root, "cache"), "--classifier-epochs", "1"));
        var record = Assert.Single(MetricsLog.Read(MetricsLog.PathIn(Path.Combine(Root, "imported"))));
        Assert.True(double.IsFinite(record.Fid));

        // project needs G(z, c): main.py's generator is unconditional, and the refusal says so before any work.
        var face = Directory.GetFiles(faces, "*.png")[0];
        Assert.Equal(CliErrors.BadUsage, Cli("project", "--checkpoint", imported, "--image", face, "--out", Path.Combine(Root, "proj")));
        Assert.False(Directory.Exists(Path.Combine(Root, "proj")));
    }

    [Fact]
    public void Bad_requests_are_refused_and_write_nothing()
    {
        var ckpt = TrainedRun("plain", false);
        var existing = Path.Combine(Root, "netG.pt");
        File.WriteAllText(existing, "mine");
        Assert.Equal(CliErrors.BadUsage, Cli("export", "--checkpoint", ckpt, "--out", existing));
        Assert.Equal("mine", File.ReadAllText(existing));
        var fresh = Path.Combine(Root, "g.pt");
        Assert.Equal(CliErrors.BadUsage, Cli("export", "--checkpoint", ckpt, "--out", fresh, "--format", "onnx"));
        Assert.Equal(CliErrors.BadUsage, Cli("export", "--checkpoint", ckpt, "--out", fresh, "--ema")); // this run has no EMA
        Assert.False(File.Exists(fresh));

        // Weights that are no DCGAN generator: the message names what was expected.
        var other = Path.Combine(Root, "other.pt");
        using (var t = ones(3)) StateDictFile.Write(other, new Dictionary<string, Tensor> { ["fc.weight"] = t }, WeightFormat.Pt);
        var e = Assert.Throws<InvalidDataException>(() => PyTorchImport.ToCheckpoint(other, Path.Combine(Root, "x.ckpt")));
        Assert.Contains("main.0.weight", e.Message);
        Assert.Equal(CliErrors.Failed, Cli("import", "--from", other, "--out", Path.Combine(Root, "x.ckpt")));
        Assert.Equal(CliErrors.BadUsage, Cli("import", "--from", other, "--arch", "stylegan", "--out", Path.Combine(Root, "x.ckpt")));
        Assert.False(File.Exists(Path.Combine(Root, "x.ckpt")));
    }

    /// <summary>
    /// The export in real PyTorch: tests/.../check_pytorch_export.py defines pytorch/examples' Generator and Discriminator,
    /// loads the export with strict=True and compares, for the same z, its images (and D's outputs) with WaifuLab's.
    /// Needs Debian's python3-torch (.ci/run installs it); without it this test fails.
    /// </summary>
    [Fact]
    public void PyTorch_loads_the_export_strictly_and_draws_the_same_images()
    {
        var ckpt = TrainedRun("sn-ema", true);
        var folder = Path.Combine(Root, "export");
        Directory.CreateDirectory(folder);
        Assert.Equal(CliErrors.Ok, Cli("export", "--checkpoint", ckpt, "--out", Path.Combine(folder, "netG.pt"), "--ema", "--d-out", Path.Combine(folder, "netD.pt")));

        using (var trainer = GanTrainer.Load(ckpt))
        using (var scope = NewDisposeScope())
        {
            var z = Noise(8, Model.Nz, 11);
            var images = trainer.Generate(z);
            var d = trainer.Discriminator;
            d.eval();
            Tensor logits;
            using (no_grad()) logits = d.call(images);
            StateDictFile.Write(Path.Combine(folder, "reference.pt"), new Dictionary<string, Tensor>
            {
                ["z"] = z.view(8, Model.Nz, 1, 1), ["images"] = images, ["d_out"] = logits,
            }, WeightFormat.Pt);
        }
        File.WriteAllText(Path.Combine(folder, "reference.json"), $$"""{"nz": {{Model.Nz}}, "ngf": {{Model.Ngf}}, "ndf": {{Model.Ndf}}}""");

        var (exit, output) = RunPython(Repo.PathOf("tests", "WaifuLab.Tests", "Interop", "check_pytorch_export.py"), folder);
        log.WriteLine(output);
        Assert.True(exit == 0, $"PyTorch did not reproduce WaifuLab's outputs (exit {exit}):\n{output}");
        Assert.Contains("max |G diff|", output);
    }

    // Debian's interpreter, where python3-torch installs (a pyenv or venv python3 on PATH would not see it).
    const string DebianPython = "/usr/bin/python3";

    static (int Exit, string Output) RunPython(string script, string folder)
    {
        Assert.True(File.Exists(DebianPython), $"{DebianPython} is missing: install Debian's python3-torch (apt-get install -y python3-torch; .ci/run does)");
        var info = new ProcessStartInfo(DebianPython) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(folder);
        info.Environment["OMP_NUM_THREADS"] = "1";
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "python3 did not finish within 3 minutes");
        var output = stdout.Result + stderr.Result;
        Assert.False(output.Contains("No module named 'torch'"), $"PyTorch is not installed for {DebianPython}: apt-get install -y python3-torch (.ci/run does)\n{output}");
        return (p.ExitCode, output);
    }
}
