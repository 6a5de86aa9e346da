using WaifuLab.Data;
using WaifuLab.Stabilizers;
using WaifuLab.Training;
using static WaifuLab.Tests.Training.TrainingFixtures;

namespace WaifuLab.Tests.Training;

/// <summary>
/// A run folder belongs to one trainer at a time, a checkpoint commits its history with it and is verified on load,
/// and what a crash leaves behind is cleaned up or refused with the file's name. (The same through the command line,
/// with real processes and signals: <see cref="WaifuLab.Tests.Cli.AdversarialCliTests"/>.)
/// </summary>
public sealed class RunFolderSafetyTests : TempFolderTest
{
    string Run(string name) => Path.Combine(Root, name);

    [Fact]
    public void ASecondTrainerOrAResumeOfAHeldFolderIsRefusedNamingTheHolder()
    {
        using var data = MakeData();
        using (var first = new GanTrainer(Tiny with { MaxIterations = 2 }, Run("a")))
        {
            var e = Assert.Throws<RunFolderBusyException>(() => new GanTrainer(Tiny with { Seed = 7 }, Run("a")));
            Assert.Contains($"process {Environment.ProcessId}", e.Message);
            first.Train(data);
            Assert.Throws<RunFolderBusyException>(() => GanTrainer.Resume(Run("a")));
            Assert.Equal(1, TrainingJson.Deserialize<TrainOptions>(File.ReadAllText(first.Folder.Options), "options").Seed);
        }
        using var resumed = GanTrainer.Resume(Run("a"), o => o with { MaxIterations = 3 }); // released with the first trainer
        Assert.Equal(2, resumed.Iteration);
    }

    [Fact]
    public void StartingAfreshDeletesOnlyARunFolderAndNeverOneAnotherProcessIsTrainingIn()
    {
        using var data = MakeData();
        // A mistyped run name that lands on a user's folder (or on runs/ itself) deletes nothing and says why.
        var photos = Run("photos");
        Directory.CreateDirectory(photos);
        File.WriteAllText(Path.Combine(photos, "a.png"), "keep");
        var e = Assert.Throws<IOException>(() => new RunFolder(photos).Discard());
        Assert.Contains("not a run folder", e.Message);
        Assert.Contains(photos, e.Message);
        Assert.True(File.Exists(Path.Combine(photos, "a.png")));
        new RunFolder(Run("absent")).Discard(); // nothing there, nothing to do

        // This process's earlier trainer still holds the folder, as a notebook kernel does when a cell is run again.
        var earlier = new GanTrainer(Tiny with { MaxIterations = 1 }, Run("r"));
        earlier.Train(data);
        new RunFolder(Run("r")).Discard();
        Assert.False(Directory.Exists(Run("r")));
        earlier.Dispose();
        using (var again = new GanTrainer(Tiny with { MaxIterations = 1 }, Run("r"))) again.Train(data);

        // A lock this process's trainers do not hold is another process's run: refused, nothing deleted.
        using (new FileStream(Path.Combine(Run("r"), RunLock.FileName), FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            Assert.Throws<RunFolderBusyException>(() => new RunFolder(Run("r")).Discard());
        Assert.True(File.Exists(new RunFolder(Run("r")).LastCheckpoint));
        new RunFolder(Run("r")).Discard();
        Assert.False(Directory.Exists(Run("r")));
    }

    [Fact]
    public void TheCheckpointCarriesItsHistorySoAKillBeforeHistoryCsvLosesNoRows()
    {
        using var data = MakeData();
        using (var t = new GanTrainer(Tiny, Run("h"))) t.Train(data); // 4 iterations
        var folder = new RunFolder(Run("h"));
        // What a kill between the checkpoint's rename and history.csv's left: an older, shorter history.csv.
        File.WriteAllText(folder.History, string.Join('\n', File.ReadAllLines(folder.History).Take(2)) + "\n");

        using var resumed = GanTrainer.Resume(Run("h"), o => o with { Epochs = 2 });
        Assert.Equal(4, resumed.History.Count);
        resumed.Train(data);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), TrainHistory.Load(folder.History).Select(s => s.Iteration));
    }

    [Fact]
    public void FlippedBytesAndCutShortCheckpointsAreRefusedNamingTheFile()
    {
        using var data = MakeData();
        string ckpt;
        using (var t = new GanTrainer(Tiny with { MaxIterations = 1 }, Run("c"))) { t.Train(data); ckpt = t.LastCheckpoint!; }

        var bytes = File.ReadAllBytes(ckpt);
        var flipped = Path.Combine(Root, "flipped.ckpt");
        var damaged = (byte[])bytes.Clone();
        for (int i = 0; i < 400; i++) damaged[bytes.Length / 2 + i] ^= 0x5A; // inside the weights
        File.WriteAllBytes(flipped, damaged);
        var e = Assert.Throws<InvalidDataException>(() => GanTrainer.Load(flipped));
        Assert.Contains(flipped, e.Message);
        Assert.Contains("checksum", e.Message);

        var cut = Path.Combine(Root, "cut.ckpt");
        File.WriteAllBytes(cut, bytes.AsSpan(0, 40).ToArray()); // inside the JSON header
        e = Assert.Throws<InvalidDataException>(() => GanTrainer.ReadHeader(cut));
        Assert.Contains(cut, e.Message);
        Assert.Throws<InvalidDataException>(() => GanTrainer.Load(cut));
    }

    [Fact]
    public void AFailedResumeLeavesOptionsJsonAsTheCheckpointHasIt()
    {
        using var data = MakeData();
        using (var t = new GanTrainer(Tiny, Run("o"))) t.Train(data);
        var folder = new RunFolder(Run("o"));
        var before = File.ReadAllText(folder.Options);

        using (var wrong = MakeData(count: 12))
        using (var resumed = GanTrainer.Resume(Run("o"), o => o with { Epochs = 3, LrG = 1e-3 }))
            Assert.Throws<ArgumentException>(() => resumed.Train(wrong));
        Assert.Equal(before, File.ReadAllText(folder.Options));

        using (var resumed = GanTrainer.Resume(Run("o"), o => o with { Epochs = 2 })) resumed.Train(data);
        Assert.Equal(2, TrainingJson.Deserialize<TrainOptions>(File.ReadAllText(folder.Options), "options").Epochs);
    }

    [Fact]
    public void AResumeOnOtherFilesOfTheSameCountIsRefused()
    {
        using var data = MakeData();
        var trained = new ImageDataset(data.Images.clone(), source: "a") { Fingerprint = "aaaa" };
        using (trained)
        using (var t = new GanTrainer(Tiny, Run("f"))) t.Train(trained);
        using var other = new ImageDataset(data.Images.clone(), source: "b") { Fingerprint = "bbbb" };
        using var resumed = GanTrainer.Resume(Run("f"), o => o with { Epochs = 2 });
        var e = Assert.Throws<ArgumentException>(() => resumed.Train(other));
        Assert.Contains("other files", e.Message);
    }

    [Fact]
    public void TheFingerprintChangesWithAFileNameOrSize()
    {
        Directory.CreateDirectory(Run("d"));
        File.WriteAllText(Path.Combine(Run("d"), "a.png"), "1234");
        File.WriteAllText(Path.Combine(Run("d"), "b.png"), "12345");
        var same = DatasetFingerprint.Of(Run("d"), ["a.png", "b.png"]);
        Assert.Equal(same, DatasetFingerprint.Of(Run("d"), ["a.png", "b.png"]));
        Assert.NotEqual(same, DatasetFingerprint.Of(Run("d"), ["b.png", "a.png"]));
        File.WriteAllText(Path.Combine(Run("d"), "b.png"), "123456");
        Assert.NotEqual(same, DatasetFingerprint.Of(Run("d"), ["a.png", "b.png"]));
    }

    [Fact]
    public void CheckpointEveryNIterationsBoundsWhatACrashLoses()
    {
        using var data = MakeData();
        using var t = new GanTrainer(Tiny with { Epochs = 5, CheckpointEvery = 3, CheckpointEveryEpochs = 100 }, Run("every"));
        var crash = new SyncProgress<TrainProgress>(p => { if (p.Step.Iteration == 11) throw new IOException("simulated crash"); });
        Assert.Throws<IOException>(() => t.Train(data, crash));
        var header = GanTrainer.ReadHeader(t.Folder.LastCheckpoint);
        Assert.Equal(9, header.Iteration);
        Assert.Equal(9, TrainHistory.Load(t.Folder.History).Count);
    }

    [Fact]
    public void OrphanTempFilesOfDeadWritersAreRemovedAtTheNextStart()
    {
        var checkpoints = Directory.CreateDirectory(Path.Combine(Run("t"), "checkpoints")).FullName;
        int dead = DeadProcessId();
        var orphan = Path.Combine(checkpoints, $".last.ckpt.{dead}.{Guid.NewGuid():N}.tmp");
        var live = Path.Combine(checkpoints, $".last.ckpt.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp"); // a writer still at work
        var users = Path.Combine(Run("t"), "notes.tmp");
        foreach (var f in new[] { orphan, live, users }) File.WriteAllText(f, "x");

        using var t = new GanTrainer(Tiny, Run("t"));
        Assert.False(File.Exists(orphan));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(users));
    }

    [Fact]
    public void AFailedAtomicWriteNamesTheTargetNotItsTempFile()
    {
        var target = Path.Combine(Root, "history.csv");
        var e = Assert.Throws<IOException>(() => AtomicFile.Write(target, s => throw new IOException($"File too large : '{((FileStream)s).Name}'")));
        Assert.Contains(target, e.Message);
        Assert.DoesNotContain(".tmp", e.Message);
        Assert.Empty(Directory.GetFiles(Root));
    }

    [Fact]
    public void ThreadsBeyondTheCoresAndLearningRatesBeyondFloat32AreRefused()
    {
        Assert.Throws<ArgumentException>(() => (Tiny with { Threads = Environment.ProcessorCount + 1 }).Validate());
        Assert.Throws<ArgumentException>(() => (Tiny with { LrG = 1e40 }).Validate());
        Assert.Throws<ArgumentException>(() => (Tiny with { LrD = 1e40 }).Validate());
        Assert.Throws<ArgumentException>(() => (Tiny with { CheckpointEvery = -1 }).Validate());
        Tiny.Validate();
        (Tiny with { Threads = Environment.ProcessorCount, LrG = 1e30 }).Validate();
    }

    [Fact]
    public void AnExplodingLossOrAPinnedDGzIsWarnedOnce()
    {
        var log = new StringWriter();
        var printer = new TrainProgressPrinter(log, every: 1000);
        TrainProgress P(long i, double loss, double dFake) => new(new TrainStep(i, 1, loss, loss, 0.99, dFake, dFake, 1), 1000, 1000, 1, 1);
        for (int i = 1; i <= 10; i++) printer.Report(P(i, 0.7, 0.3));
        Assert.Equal("", log.ToString());
        for (int i = 11; i <= 20; i++) printer.Report(P(i, 1e14, 0.3));
        Assert.Single(Lines(log), l => l.Contains("exploding"));

        var pinned = new LossWatch(pinnedWindow: 20);
        var warnings = Enumerable.Range(1, 60).Select(i => pinned.Add(P(i, 3, 1e-6).Step)).Where(w => w is not null).ToList();
        Assert.Single(warnings);
        Assert.Contains("pinned", warnings[0]);
    }

    [Fact]
    public void CliMessagesDropWhatDotNetAppendsForProgrammers()
    {
        Assert.Equal("the folder x holds files", WaifuLab.Cli.CliErrors.Message(new ArgumentException("the folder x holds files", "outDir")));
        Assert.Equal("count must be positive", WaifuLab.Cli.CliErrors.Message(new ArgumentOutOfRangeException("count", -3, "count must be positive")));
    }

    static string[] Lines(StringWriter w) => w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    static int DeadProcessId()
    {
        for (int pid = 4_000_000; ; pid--)
        {
            try { using var p = System.Diagnostics.Process.GetProcessById(pid); }
            catch (ArgumentException) { return pid; }
        }
    }
}
