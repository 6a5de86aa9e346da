using WaifuLab.Training;
using static TorchSharp.torch;
using static WaifuLab.Tests.Training.TrainingFixtures;

namespace WaifuLab.Tests.Training;

public sealed class GanTrainerTests : TempFolderTest
{
    string Run(string name) => Path.Combine(Root, name);

    [Fact]
    public void TrainWritesTheRunFolder()
    {
        using var data = MakeData();
        using var t = new GanTrainer(Tiny with { Epochs = 2 }, Run("a"));
        var seen = new List<TrainProgress>();
        var history = t.Train(data, new SyncProgress<TrainProgress>(seen.Add));

        var f = new RunFolder(Run("a"));
        Assert.Equal(8, history.Count);
        Assert.Equal(8, t.Iteration);
        Assert.Equal(2, t.Epoch);
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6, 7, 8 }, history.Select(s => s.Iteration));
        Assert.Equal(new[] { 1, 1, 1, 1, 2, 2, 2, 2 }, history.Select(s => s.Epoch));
        Assert.Equal(8, seen.Count);
        Assert.Equal(4, seen[3].IterationInEpoch);
        Assert.Equal(8, seen[^1].TotalIterations);
        foreach (var path in new[] { f.Options, f.History, f.SampleGrid(1), f.SampleGrid(2), f.LastCheckpoint, f.Final })
            Assert.True(File.Exists(path), $"{path} missing");
        Assert.Equal(8, TrainHistory.Load(f.History).Count);
        Assert.Equal(t.Options, TrainingJson.Deserialize<TrainOptions>(File.ReadAllText(f.Options), "options"));
        Assert.Equal(8, GanTrainer.ReadHeader(f.LastCheckpoint).Iteration);
    }

    [Fact]
    public void MaxIterationsCapsTheRun()
    {
        using var data = MakeData();
        using var t = new GanTrainer(Tiny with { Epochs = 5, MaxIterations = 3 }, Run("cap"));
        t.Train(data);
        Assert.Equal(3, t.Iteration);
        Assert.Equal(0, t.Epoch);
        Assert.Equal(3, GanTrainer.ReadHeader(t.Folder.LastCheckpoint).Iteration);
    }

    [Fact]
    public void SameSeedSameRunOtherSeedOtherRun()
    {
        using var data = MakeData();
        using var a = new GanTrainer(Tiny with { MaxIterations = 3 }, Run("s1"));
        using var b = new GanTrainer(Tiny with { MaxIterations = 3 }, Run("s2"));
        using var c = new GanTrainer(Tiny with { MaxIterations = 3, Seed = 2 }, Run("s3"));
        a.Train(data); b.Train(data); c.Train(data);
        Assert.True(Same(Snapshot(a.Generator), b.Generator));
        Assert.Equal(a.History.Select(s => s.LossD), b.History.Select(s => s.LossD));
        Assert.False(Same(Snapshot(a.Generator), c.Generator));
    }

    [Fact]
    public void CheckpointRoundTripGivesIdenticalSamples()
    {
        using var data = MakeData();
        using var t = new GanTrainer(Tiny with { MaxIterations = 2 }, Run("ck"));
        t.Train(data);
        using var loaded = GanTrainer.Load(t.Folder.LastCheckpoint);
        using var x = t.Sample(6, seed: 5);
        using var y = loaded.Sample(6, seed: 5);
        using var z = loaded.Sample(6, seed: 6);
        Assert.Equal(new long[] { 6, 3, 32, 32 }, x.shape);
        Assert.True(Eq(x, y));
        Assert.False(Eq(x, z));
        Assert.Equal(2, loaded.Iteration);
        Assert.Equal(2, loaded.History.Count);
        Assert.Equal(t.Options, loaded.Options);
    }

    [Fact]
    public void ResumeContinuesTheRunExactly()
    {
        using var data = MakeData();
        var o = Tiny with { Epochs = 3 };
        using var whole = new GanTrainer(o, Run("whole"));
        whole.Train(data);

        using (var first = new GanTrainer(o with { MaxIterations = 6 }, Run("halves")))  // stops mid-epoch 2
            first.Train(data);
        using var second = GanTrainer.Resume(Run("halves"), x => x with { MaxIterations = null });
        Assert.Equal(6, second.Iteration);
        second.Train(data);

        Assert.Equal(12, second.Iteration);
        Assert.Equal(whole.History.Count, second.History.Count);
        Assert.Equal(whole.History.Select(s => (s.Iteration, s.Epoch, s.LossD, s.LossG)),
                     second.History.Select(s => (s.Iteration, s.Epoch, s.LossD, s.LossG)));
        Assert.True(Same(Snapshot(whole.Generator), second.Generator), "resumed G differs from the uninterrupted run's");
        Assert.True(Same(Snapshot(whole.Discriminator), second.Discriminator), "resumed D differs from the uninterrupted run's");
        Assert.Equal(12, TrainHistory.Load(second.Folder.History).Count);
    }

    [Fact]
    public void NonFiniteLossStopsTheRunAndKeepsTheLastGoodCheckpoint()
    {
        using var data = MakeData();
        using (var t = new GanTrainer(Tiny, Run("nan"))) t.Train(data);
        var ckpt = new RunFolder(Run("nan")).LastCheckpoint;
        var good = File.ReadAllBytes(ckpt);

        using (var t = GanTrainer.Resume(Run("nan"), o => o with { Epochs = 3 }))
        {
            using (no_grad()) t.Discriminator.parameters().First().fill_(float.NaN);
            var e = Assert.Throws<TrainingDivergedException>(() => t.Train(data));
            Assert.Equal(5, e.Iteration);
            Assert.Contains("iteration 5", e.Message);
            Assert.Equal(ckpt, e.LastCheckpoint);
        }
        Assert.Equal(good, File.ReadAllBytes(ckpt));
        using var again = GanTrainer.Resume(Run("nan"));
        Assert.Equal(4, again.Iteration);
        Assert.Equal(4, again.History.Count); // the diverged row was written for diagnosis but is dropped on resume
    }

    [Fact]
    public void AbsurdLearningRateDiverges()
    {
        using var data = MakeData();
        using var t = new GanTrainer(Tiny with { Epochs = 20, LrG = 1e30, LrD = 1e30 }, Run("lr"));
        Assert.Throws<TrainingDivergedException>(() => t.Train(data));
    }

    [Fact]
    public void CancellationCheckpointsAndThrows()
    {
        using var data = MakeData();
        using var cts = new CancellationTokenSource();
        using var t = new GanTrainer(Tiny with { Epochs = 3 }, Run("cancel"));
        var progress = new SyncProgress<TrainProgress>(p => { if (p.Step.Iteration == 2) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => t.Train(data, progress, cts.Token));
        Assert.Equal(2, GanTrainer.ReadHeader(t.Folder.LastCheckpoint).Iteration);
    }

    [Fact]
    public void ANewRunRefusesAFolderWithACheckpoint()
    {
        using var data = MakeData();
        using (var t = new GanTrainer(Tiny with { MaxIterations = 1 }, Run("taken"))) t.Train(data);
        var e = Assert.Throws<InvalidOperationException>(() => new GanTrainer(Tiny, Run("taken")));
        Assert.Contains("resume", e.Message);
    }

    [Fact]
    public void ResumeRefusesToChangeTheModel()
    {
        using var data = MakeData();
        using (var t = new GanTrainer(Tiny with { MaxIterations = 1 }, Run("fixed"))) t.Train(data);
        Assert.Throws<ArgumentException>(() => GanTrainer.Resume(Run("fixed"), o => o with { BatchSize = 8 }));
        Assert.Throws<FileNotFoundException>(() => GanTrainer.Resume(Run("nothing-here")));
    }

    [Fact]
    public void WrongImageSizeAndNonCheckpointsAreRefused()
    {
        using var data = MakeData(size: 64);
        using var t = new GanTrainer(Tiny, Run("size"));
        Assert.Contains("32 px", Assert.Throws<ArgumentException>(() => t.Train(data)).Message);
        var bogus = Path.Combine(Root, "bogus.ckpt");
        File.WriteAllText(bogus, "hello");
        Assert.Throws<InvalidDataException>(() => GanTrainer.Load(bogus));
    }
}

/// <summary>An IProgress that reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool).</summary>
sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
