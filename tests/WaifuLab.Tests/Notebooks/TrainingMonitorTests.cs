using WaifuLab.Notebooks;
using WaifuLab.Stabilizers;
using WaifuLab.Training;
using static WaifuLab.Tests.Training.TrainingFixtures;

namespace WaifuLab.Tests.Notebooks;

/// <summary>The training cell's live display and its interrupt; SIGINT is sent to this process, so these run alone.</summary>
[Collection(nameof(NotebookRunnerCollection))]
public sealed class TrainingMonitorTests : TempFolderTest
{
    /// <summary>Records what display() shows and how each output is updated.</summary>
    private sealed class Recorder : IDisplaySink
    {
        public readonly List<List<object?>> Outputs = [];

        public DisplayHandle Display(object? value)
        {
            var states = new List<object?> { value };
            lock (Outputs) Outputs.Add(states);
            return new DisplayHandle(v => { lock (Outputs) states.Add(v); });
        }
    }

    [Fact]
    public void A_training_cell_shows_one_display_that_updates_in_place_and_ends_with_the_chart_and_grid()
    {
        using var data = MakeData();
        using var trainer = new GanTrainer(Tiny with { Epochs = 3 }, Path.Combine(Root, "run"));
        var recorder = new Recorder();
        using (Display.Attach(recorder))
            TrainingMonitor.Train(trainer, data, new TrainingMonitorOptions { RefreshEvery = 5, RedrawSeconds = 0 });

        var states = Assert.Single(recorder.Outputs); // one output, not a line per iteration
        Assert.True(states.Count > 12, $"expected a redraw per iteration, got {states.Count}");
        var views = states.Cast<TrainingView>().ToList();
        var last = views[^1];
        Assert.StartsWith("iteration 12/12 (epoch 3/3)", last.Status[0]);
        Assert.Matches(@"it/s  ETA 00:00:00", last.Status[0]);
        Assert.Matches(@"^Loss_D -?\d+\.\d{4}  Loss_G -?\d+\.\d{4}  D\(x\) \d\.\d{4}  D\(G\(z\)\) \d\.\d{4} / \d\.\d{4}$", last.Status[1]);
        Assert.Equal("done", last.Status[^1]);
        Assert.NotNull(last.Chart);
        Assert.Equal((8 * 32 + 9 * 2, 32 + 2 * 2), (last.Grid!.Width, last.Grid.Height)); // 8 faces in a row
        // The chart and grid first appear at iteration 5 (RefreshEvery) and not before.
        Assert.Null(views.First(v => v.Status[0].StartsWith("iteration 4/", StringComparison.Ordinal)).Grid);
        Assert.NotNull(views.First(v => v.Status[0].StartsWith("iteration 5/", StringComparison.Ordinal)).Grid);
        var html = new MimeRenderer().Render(last)!["text/html"]!;
        Assert.Equal(2, html.Split("<img src=\"data:image/png;base64,").Length - 1);
    }

    /// <summary>What Jupyter's "interrupt kernel" sends the kernel process.</summary>
    private static void SendSigint()
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-INT", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    [Fact]
    public void SIGINT_during_training_checkpoints_ends_the_cell_and_the_next_call_continues_from_there()
    {
        Assert.False(OperatingSystem.IsWindows(), "Jupyter interrupts kernels with SIGINT on Linux and macOS");
        Assert.False(CellInterrupt.SigintIgnored(File.ReadAllText("/proc/self/status")),
            "this test process inherited SIGINT ignored (dotnet test was started as a background job of a script): run it from a terminal or through .ci/run, which resets SIGINT");
        using var data = MakeData();
        var run = Path.Combine(Root, "run");
        var trainer = new GanTrainer(Tiny with { Epochs = 12 }, run); // 48 iterations: more than the interrupt needs
        long sentAt = 0;
        trainer.EpochCompleted += (epoch, _) =>
        {
            if (epoch != 2) return;
            sentAt = trainer.Iteration;
            SendSigint();
            Thread.Sleep(500); // room for the signal thread on a loaded machine: the tiny run would otherwise finish first
        };
        var recorder = new Recorder();
        TrainingInterruptedException stopped;
        using (Display.Attach(recorder))
            stopped = Assert.Throws<TrainingInterruptedException>(() => TrainingMonitor.Train(trainer, data, new TrainingMonitorOptions { RefreshEvery = 1000 }));

        // The signal is handled on another thread: the loop sees it within an iteration or a few, never the whole run.
        Assert.InRange(stopped.Iteration, sentAt, sentAt + 20);
        Assert.Equal(stopped.Iteration, trainer.Iteration);
        Assert.Equal(stopped.Iteration, GanTrainer.ReadHeader(trainer.Folder.LastCheckpoint).Iteration);
        var final = (TrainingView)Assert.Single(recorder.Outputs)[^1]!;
        Assert.StartsWith($"interrupted after iteration {stopped.Iteration}; checkpoint ", final.Status[^1]);

        // The process lives on (we are still here) and the next cell resumes the run from its checkpoint.
        trainer.Dispose();
        using var resumed = GanTrainer.Resume(run);
        Assert.Equal(stopped.Iteration, resumed.Iteration);
        using (Display.Attach(new Recorder()))
            TrainingMonitor.Train(resumed, data);
        Assert.Equal(48, resumed.Iteration);
        Assert.Equal(Enumerable.Range(1, 48).Select(i => (long)i), resumed.History.Select(s => s.Iteration));
    }

    [Fact]
    public async Task SIGINT_during_an_ablation_cell_stops_the_row_being_trained_with_a_checkpoint()
    {
        Assert.False(CellInterrupt.SigintIgnored(File.ReadAllText("/proc/self/status")),
            "this test process inherited SIGINT ignored (dotnet test was started as a background job of a script): run it from a terminal or through .ci/run, which resets SIGINT");
        using var data = MakeData();
        var checkpoint = Path.Combine(Root, "row", "checkpoints", "last.ckpt");
        // Stop once the row has checkpointed its first epoch: well inside its 4,000 iterations.
        var sender = Task.Run(() =>
        {
            while (!File.Exists(checkpoint)) Thread.Sleep(20);
            SendSigint();
        });
        Assert.ThrowsAny<OperationCanceledException>(() => CellInterrupt.Run(ct =>
            TrainerAblation.RunOne("row", Tiny with { Epochs = 1000 }, data, Root, ct: ct)));
        await sender;
        // We are still here (without the scope SIGINT would end the process) and the row kept where it stopped.
        Assert.InRange(GanTrainer.ReadHeader(checkpoint).Iteration, 4, 3999);
    }

    [Fact]
    public void A_process_started_with_SIGINT_ignored_is_recognised_from_its_proc_status()
    {
        Assert.True(CellInterrupt.SigintIgnored(ProcStatusOf("trap '' INT; cat /proc/self/status")));
        Assert.False(CellInterrupt.SigintIgnored(ProcStatusOf("trap - INT; cat /proc/self/status")));
        Assert.True(CellInterrupt.SigintIgnored("Name:\tx\nSigIgn:\t0000000000001002\n"));
        Assert.False(CellInterrupt.SigintIgnored("Name:\tx\nSigIgn:\t0000000000001000\n"));
    }

    private static string ProcStatusOf(string script)
    {
        var start = new System.Diagnostics.ProcessStartInfo("env", ["--default-signal=INT", "bash", "-c", script]) { RedirectStandardOutput = true };
        using var p = System.Diagnostics.Process.Start(start)!;
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return text;
    }

    [Fact]
    public void The_kernel_token_and_the_caller_token_both_stop_the_cell()
    {
        using var outer = new CancellationTokenSource();
        using var scope = CellInterrupt.Begin(outer.Token);
        Assert.Null(scope.Warning);
        Assert.False(scope.Token.IsCancellationRequested);
        outer.Cancel();
        Assert.True(scope.Token.IsCancellationRequested);
        Assert.False(scope.Interrupted);
    }

    [Fact]
    public void Options_out_of_range_are_refused_with_the_range()
    {
        var e = Assert.Throws<ArgumentException>(() => new TrainingMonitorOptions { RefreshEvery = 0 }.Validate());
        Assert.Contains("RefreshEvery must be 1..1000000", e.Message);
        Assert.Throws<ArgumentException>(() => new TrainingMonitorOptions { GridFaces = 65 }.Validate());
        Assert.Throws<ArgumentException>(() => new TrainingMonitorOptions { RedrawSeconds = double.NaN }.Validate());
    }
}
