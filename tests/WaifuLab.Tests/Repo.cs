namespace WaifuLab.Tests;

/// <summary>The repository the tests were built from (the folder holding WaifuLab.sln above the test binaries).</summary>
static class Repo
{
    public static string Root { get; } = Find();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "WaifuLab.sln"))) return dir.FullName;
        throw new InvalidOperationException("WaifuLab.sln not found above the test assembly");
    }
}
