using System.Diagnostics;
using System.Text.Json.Nodes;

namespace WaifuLab.Tests.Notebooks;

/// <summary>
/// A training cell in the real .NET Interactive kernel, driven through Jupyter's client: its one live display, then
/// Jupyter's "interrupt kernel" (SIGINT, as the kernelspec that <c>dotnet-interactive jupyter install</c> writes says),
/// then the next cells; last, the same interrupt outside a training cell, which shuts the kernel down as shipped.
/// And the same training cell stopped by Polyglot Notebooks' stop button (a Cancel command over its stdio protocol).
/// </summary>
[Collection(NotebookSmoke.Name)]
public sealed class TrainingInterruptKernelTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("waifulab-interrupt-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string Setup(string repo) => $$"""
        #r "nuget: TorchSharp, 0.107.0"
        #r "nuget: libtorch-cpu-linux-x64, 2.10.0"
        #r "nuget: SkiaSharp, 4.155.0"
        #r "nuget: SkiaSharp.NativeAssets.Linux.NoDependencies, 4.155.0"
        #r "nuget: ScottPlot, 5.1.59"
        #r "nuget: Plotly.NET, 6.0.0"
        #r "{{repo}}/src/WaifuLab/bin/Release/net10.0/WaifuLab.dll"
        using WaifuLab.Notebooks;
        using WaifuLab.Training;
        using static TorchSharp.torch;
        WaifuLab.Backend.TorchBackend.EnsureLoaded();
        Formatters.Register();
        """;

    // 16 random 32 px images, batch 4: 4 iterations per epoch, 1000 epochs: far longer than the test waits.
    private const string Trainer = """
        var before = "still here";
        var data = new WaifuLab.Data.ImageDataset(rand(16, 3, 32, 32, generator: new TorchSharp.torch.Generator(1)).mul(2).sub(1), source: "random");
        var trainer = new GanTrainer(new TrainOptions { Model = new WaifuLab.Models.GanModelOptions(32, 8, 4, 4), BatchSize = 4, Epochs = 1000,
            SampleGridCount = 4, Device = WaifuLab.Backend.ComputeDevice.Cpu }, "run");
        """;

    [Fact]
    public void Interrupting_a_training_cell_checkpoints_keeps_the_kernel_and_its_variables_and_the_next_cell_resumes()
    {
        using var kernel = RealKernel.StartSession(_dir.FullName);
        Ok(kernel, kernel.Execute(Setup(Repo.Root), TimeSpan.FromMinutes(5)));
        Ok(kernel, kernel.Execute(Trainer, TimeSpan.FromMinutes(2)));

        var cell = kernel.Start("TrainingMonitor.Train(trainer, data, new TrainingMonitorOptions { RefreshEvery = 10, RedrawSeconds = 0.2 });");
        Assert.True(kernel.WaitForOutput(cell, "iteration 10/4000", TimeSpan.FromMinutes(3)), $"training did not show iteration 10 (a chart refresh)\n{kernel.Log}");
        var clock = Stopwatch.StartNew();
        kernel.Interrupt();
        var (status, outputs) = kernel.Wait(cell, TimeSpan.FromMinutes(3));
        var stoppedIn = clock.Elapsed;

        Assert.True(kernel.Alive, $"the kernel died on the interrupt\n{kernel.Log}");
        Assert.True(status == "error", $"the interrupted cell ended with '{status}' after {stoppedIn.TotalSeconds:F0} s; " +
            $"last output: {(outputs.Count > 0 ? outputs[^1]!.ToJsonString()[..Math.Min(600, outputs[^1]!.ToJsonString().Length)] : "none")}\n{kernel.Log}");
        var error = outputs.Single(o => Kind(o) == "error")!;
        var message = error["evalue"]!.GetValue<string>() + string.Join("\n", error["traceback"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.Contains("interrupted after iteration", message);
        // The trainer looks at the token between iterations (~0.1 s each here); generous slack for a busy machine.
        Assert.True(stoppedIn < TimeSpan.FromSeconds(30), $"the cell took {stoppedIn.TotalSeconds:F1} s to stop");

        // One display, redrawn in place: display_data once, then update_display_data for the same display id.
        var shown = outputs.Where(o => Kind(o) == "display_data").ToList();
        var updates = outputs.Where(o => Kind(o) == "update_display_data").ToList();
        var id = Assert.Single(shown)!["transient"]!["display_id"]!.GetValue<string>();
        Assert.True(updates.Count >= 2, $"expected redraws, got {updates.Count}");
        Assert.All(updates, u => Assert.Equal(id, u!["transient"]!["display_id"]!.GetValue<string>()));
        var last = updates[^1]!["data"]!["text/html"]!.GetValue<string>();
        Assert.Contains("interrupted after iteration", last);
        Assert.Contains("D(G(z))", last);
        Assert.Equal(2, last.Split("data:image/png;base64,").Length - 1); // the loss chart and the fixed-noise grid

        // Earlier variables and the trainer live on, and the checkpoint is where training stopped.
        (status, outputs) = kernel.Execute(
            "Console.WriteLine($\"{before}|{trainer.Iteration}|{GanTrainer.ReadHeader(trainer.Folder.LastCheckpoint).Iteration}\");",
            TimeSpan.FromMinutes(1));
        Ok(kernel, (status, outputs));
        var parts = Stdout(outputs).Trim().Split('|');
        Assert.Equal("still here", parts[0]);
        long stopped = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(stopped, 10, 3999);
        Assert.Equal(stopped, long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));

        // The next cell resumes the run from its checkpoint and continues the iteration count.
        (status, outputs) = kernel.Execute("""
            trainer.Dispose();
            var resumed = GanTrainer.Resume("run", o => o with { MaxIterations = (int)trainer.Iteration + 5 });
            long from = resumed.Iteration;
            TrainingMonitor.Train(resumed, data, new TrainingMonitorOptions { RefreshEvery = 5 });
            Console.WriteLine($"{from}|{resumed.Iteration}|{string.Join(",", resumed.History.Select(s => s.Iteration).TakeLast(6))}");
            """, TimeSpan.FromMinutes(2));
        Ok(kernel, (status, outputs));
        parts = Stdout(outputs).Trim().Split('|');
        Assert.Equal(stopped.ToString(System.Globalization.CultureInfo.InvariantCulture), parts[0]);
        Assert.Equal((stopped + 5).ToString(System.Globalization.CultureInfo.InvariantCulture), parts[1]);
        Assert.Equal(string.Join(",", Enumerable.Range(0, 6).Select(i => stopped + i)), parts[2]);

        // What the kernel does with that interrupt by itself: outside a training cell SIGINT still shuts it down
        // (its generic host's Ctrl+C handling), which is why CellInterrupt takes SIGINT over while training runs.
        kernel.Start("System.Threading.Thread.Sleep(60_000);");
        Thread.Sleep(3000); // the cell is running
        kernel.Interrupt();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (kernel.Alive && DateTime.UtcNow < deadline) Thread.Sleep(200);
        Assert.False(kernel.Alive, "the kernel now survives a plain SIGINT: CellInterrupt's take-over may no longer be needed (see its summary)");
    }

    [Fact]
    public void Polyglots_stop_button_ends_a_training_cell_with_a_checkpoint_and_the_next_cell_resumes()
    {
        using var kernel = new PolyglotKernel(_dir.FullName);
        Succeeds(kernel, kernel.Submit(Setup(Repo.Root)), TimeSpan.FromMinutes(5));
        Succeeds(kernel, kernel.Submit(Trainer), TimeSpan.FromMinutes(2));

        var cell = kernel.Submit("TrainingMonitor.Train(trainer, data, new TrainingMonitorOptions { RefreshEvery = 10, RedrawSeconds = 0.2 });");
        Assert.True(kernel.WaitForText(cell, "iteration 10/4000", TimeSpan.FromMinutes(3)), $"training did not show iteration 10\n{kernel.Log}");
        var clock = Stopwatch.StartNew();
        kernel.Cancel();
        // The training loop stops when it sees the command's token and writes its checkpoint; the cell then fails. The
        // kernel publishes nothing more for a cancelled command, so the live view keeps its last redraw.
        var (status, message) = kernel.Wait(cell, TimeSpan.FromSeconds(60));
        Assert.True(status == "failed", $"the cell ended with '{status}' ({message}) {clock.Elapsed.TotalSeconds:F0} s after Cancel\n{kernel.Log}");
        Assert.True(kernel.Alive, $"the kernel died on Cancel\n{kernel.Log}");

        // Training has stopped (the count stays put) and the checkpoint is where it stopped; the kernel's variables live on.
        var check = kernel.Submit("""
            long seen = trainer.Iteration;
            System.Threading.Thread.Sleep(3000);
            var until = DateTime.UtcNow.AddSeconds(30);
            while (!(System.IO.File.Exists(trainer.Folder.LastCheckpoint) && GanTrainer.ReadHeader(trainer.Folder.LastCheckpoint).Iteration == trainer.Iteration) && DateTime.UtcNow < until)
                System.Threading.Thread.Sleep(200);
            Console.WriteLine($"{before}|{seen}|{trainer.Iteration}|{GanTrainer.ReadHeader(trainer.Folder.LastCheckpoint).Iteration}");
            """);
        Succeeds(kernel, check, TimeSpan.FromMinutes(1));
        var parts = kernel.Stdout(check).Trim().Split('|');
        Assert.Equal("still here", parts[0]);
        long stopped = long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(parts[1], parts[2]);
        Assert.InRange(stopped, 10, 3999);
        Assert.Equal(stopped, long.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture));

        var resume = kernel.Submit("""
            trainer.Dispose();
            var resumed = GanTrainer.Resume("run", o => o with { MaxIterations = (int)trainer.Iteration + 5 });
            long from = resumed.Iteration;
            TrainingMonitor.Train(resumed, data, new TrainingMonitorOptions { RefreshEvery = 5 });
            Console.WriteLine($"{from}|{resumed.Iteration}");
            """);
        Succeeds(kernel, resume, TimeSpan.FromMinutes(2));
        Assert.Equal($"{stopped}|{stopped + 5}", kernel.Stdout(resume).Trim());
    }

    private static void Succeeds(PolyglotKernel kernel, string token, TimeSpan timeout)
    {
        var (status, message) = kernel.Wait(token, timeout);
        Assert.True(status == "succeeded", $"{status}: {message}\n{kernel.Log}");
    }

    private static void Ok(RealKernel.Session kernel, (string Status, JsonArray Outputs) result) =>
        Assert.True(result.Status == "ok", $"{result.Status}: {result.Outputs.ToJsonString()}\n{kernel.Log}");

    private static string Kind(JsonNode? output) => output!["output_type"]!.GetValue<string>();

    private static string Stdout(JsonArray outputs) => string.Concat(outputs
        .Where(o => Kind(o) == "stream" && o!["name"]!.GetValue<string>() == "stdout")
        .Select(o => o!["text"]!.GetValue<string>()));
}
