using WaifuLab.Models;
using WaifuLab.Training;

namespace WaifuLab.Interop;

/// <summary>
/// Writes a checkpoint's DCGAN generator (or its EMA) and discriminator as PyTorch state_dicts under pytorch/examples
/// dcgan/main.py's names (<see cref="DcganStateDict"/>): <c>netG.load_state_dict(torch.load(FILE), strict=True)</c>.
/// </summary>
public static class PyTorchExport
{
    /// <summary>
    /// Writes G of an unconditional run to <paramref name="path"/>; with <paramref name="ema"/>, the moving average of
    /// G's weights that sampling uses, with its standing BatchNorm statistics. Returns the number of tensors written.
    /// </summary>
    public static int Generator(GanTrainer trainer, string path, WeightFormat format, bool ema = false)
    {
        var g = GeneratorOf(trainer, ema);
        var stateDict = DcganStateDict.FromGenerator(g);
        StateDictFile.Write(path, stateDict, format);
        return stateDict.Count;
    }

    /// <summary>Writes D of an unconditional run to <paramref name="path"/> (spectral norm folded in). Returns the number of tensors written.</summary>
    public static int Discriminator(GanTrainer trainer, string path, WeightFormat format)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        RefuseConditional(trainer);
        using var scope = TorchSharp.torch.NewDisposeScope();
        var stateDict = DcganStateDict.FromDiscriminator(trainer.Discriminator);
        StateDictFile.Write(path, stateDict, format);
        return stateDict.Count;
    }

    /// <summary>The generator an export writes: G, or with <paramref name="ema"/> the EMA that <see cref="GanTrainer.Sample(int, long?)"/> draws from.</summary>
    public static DcganGenerator GeneratorOf(GanTrainer trainer, bool ema)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        RefuseConditional(trainer);
        if (!ema) return trainer.Generator;
        return trainer.Ema is not null ? trainer.SamplingGenerator : throw new ArgumentException(
            "this run keeps no moving average of G: export without --ema, or train with --ema (TrainOptions.EmaBeta)");
    }

    static void RefuseConditional(GanTrainer trainer)
    {
        if (trainer.Options.Model.Architecture != WaifuLab.Models.ModelFactory.Dcgan)
            throw new ArgumentException($"export writes the DCGAN architecture (pytorch/examples dcgan/main.py's models); this checkpoint is architecture '{trainer.Options.Model.Architecture}', which has no counterpart there");
        if (trainer.IsConditional)
            throw new ArgumentException("export writes the unconditional DCGAN (pytorch/examples dcgan/main.py's models); " +
                "this checkpoint is a conditional GAN, which has no PyTorch counterpart to load it into");
    }
}
