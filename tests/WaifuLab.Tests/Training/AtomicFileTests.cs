using WaifuLab.Training;
using static WaifuLab.Tests.Training.TrainingFixtures;

namespace WaifuLab.Tests.Training;

public class AtomicFileTests
{
    [Fact]
    public void AFailedWriteLeavesTheOldFileAndNoTempFiles()
    {
        var dir = TempFolder();
        var path = Path.Combine(dir, "last.ckpt");
        File.WriteAllText(path, "old");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, s =>
        {
            s.Write("new, half written"u8);
            throw new IOException("disk full");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir));

        AtomicFile.WriteAllText(path, "new");
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir));
        Directory.Delete(dir, true);
    }
}
