using WaifuLab.Models;
using WaifuLab.Training;

namespace WaifuLab.Interop;

/// <summary>
/// Turns a DCGAN generator trained with pytorch/examples dcgan/main.py (<c>netG_epoch_N.pth</c>, or a safetensors copy)
/// into WaifuLab: its shape is read from the weights (<see cref="DcganStateDict.GeneratorOptions"/>) and every tensor
/// is checked as <c>load_state_dict(strict=True)</c> would. Unconditional only: main.py has no conditional model, so
/// an imported checkpoint serves <c>sample</c> and <c>eval</c>, not <c>project</c> (which needs G(z, c)).
/// </summary>
public static class PyTorchImport
{
    /// <summary>
    /// Writes a WaifuLab checkpoint at <paramref name="checkpointPath"/> whose G holds the weights of
    /// <paramref name="weightsPath"/> (D freshly initialised, iteration 0), with <paramref name="options"/> (default: the
    /// DCGAN defaults) for everything but the model shape. Returns the model shape read from the weights.
    /// </summary>
    public static GanModelOptions ToCheckpoint(string weightsPath, string checkpointPath, TrainOptions? options = null)
    {
        if (File.Exists(checkpointPath))
            throw new IOException($"{checkpointPath} already exists: choose another --out (nothing was written)");
        var stateDict = StateDictFile.Read(weightsPath);
        try
        {
            var model = DcganStateDict.GeneratorOptions(stateDict, weightsPath);
            var run = (options ?? new TrainOptions()) with { Model = model, Conditioning = null };
            GanTrainer.CreateCheckpoint(run, checkpointPath, g => DcganStateDict.LoadGenerator(g, stateDict, weightsPath));
            return model;
        }
        finally
        {
            foreach (var t in stateDict.Values) t.Dispose();
        }
    }
}
