using WaifuLab.Tests.Training;

namespace WaifuLab.Tests;

/// <summary>
/// Base of test classes that write files: xunit makes one instance per test, so each test gets a fresh temporary
/// folder, deleted afterwards.
/// </summary>
public abstract class TempFolderTest : IDisposable
{
    protected string Root { get; } = TrainingFixtures.TempFolder();

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}
