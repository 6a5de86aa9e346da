using System.Runtime.CompilerServices;
using WaifuLab.Backend;

namespace WaifuLab.Tests;

static class TorchSetup
{
    /// <summary>Tests call torch directly, so load the native backend (with its libstdc++ fix) before any test runs.</summary>
    [ModuleInitializer]
    internal static void LoadBackend()
    {
        TorchBackend.EnsureLoaded();
        TorchSharp.torch.set_num_threads(2);
    }
}
