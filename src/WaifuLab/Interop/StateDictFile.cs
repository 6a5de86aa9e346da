using System.Collections;
using TorchSharp.PyBridge;
using WaifuLab.Backend;
using WaifuLab.Training;
using static TorchSharp.torch;

namespace WaifuLab.Interop;

/// <summary>
/// Reads and writes a state_dict (name -> tensor) as PyTorch does, through TorchSharp.PyBridge: <c>torch.save</c>'s zip
/// pickle or safetensors. Writes are atomic (<see cref="AtomicFile"/>); reads tell the two formats apart by content.
/// </summary>
public static class StateDictFile
{
    /// <summary>Writes <paramref name="stateDict"/> to <paramref name="path"/> (CPU, contiguous copies; the caller keeps its tensors).</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> stateDict, WeightFormat format)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        TorchBackend.EnsureLoaded();
        using var scope = NewDisposeScope();
        // PyBridge writes each tensor's storage bytes with its strides: hand it dense CPU copies.
        var dense = stateDict.ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().contiguous().clone());
        AtomicFile.Write(path, stream =>
        {
            switch (format)
            {
                case WeightFormat.Pt: PyTorchPickler.PickleStateDict(stream, dense, leaveOpen: true); break;
                case WeightFormat.Safetensors: Safetensors.SaveStateDict(stream, dense, leaveOpen: true); break;
                default: throw new ArgumentOutOfRangeException(nameof(format), format, "unknown weight format");
            }
        });
    }

    /// <summary>Reads a state_dict written by <c>torch.save(model.state_dict(), FILE)</c> or as safetensors. The caller owns the tensors.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"weights file not found: {path}", path);
        TorchBackend.EnsureLoaded();
        var format = Detect(path);
        try
        {
            if (format == WeightFormat.Safetensors) return Safetensors.LoadStateDict(path);
            using var stream = File.OpenRead(path);
            var table = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: false);
            var result = new Dictionary<string, Tensor>();
            foreach (DictionaryEntry e in table)
            {
                if (e.Value is not Tensor t)
                    throw new InvalidDataException($"{path}: entry '{e.Key}' is not a tensor: save the model's state_dict (torch.save(netG.state_dict(), FILE)), not the model or a training checkpoint");
                result[(string)e.Key] = t;
            }
            return result;
        }
        catch (Exception e) when (e is not InvalidDataException and not IOException)
        {
            throw new InvalidDataException($"{path} could not be read as a PyTorch {(format == WeightFormat.Pt ? "zip pickle (torch.save)" : "safetensors file")}: {e.Message}", e);
        }
    }

    /// <summary>The format of a weights file: a zip archive is torch.save's; safetensors starts with its index length and '{'.</summary>
    public static WeightFormat Detect(string path)
    {
        var head = new byte[9];
        long length;
        using (var s = File.OpenRead(path))
        {
            length = s.Length;
            if (s.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length)
                throw new InvalidDataException($"{path} is too short to be a weights file");
        }
        if (head is [0x50, 0x4B, 0x03, 0x04, ..]) return WeightFormat.Pt;
        if (BitConverter.ToUInt64(head, 0) < (ulong)length && head[8] == (byte)'{') return WeightFormat.Safetensors;
        throw new InvalidDataException($"{path} is neither a torch.save zip file nor safetensors: in PyTorch, save the state_dict " +
            "with torch.save(netG.state_dict(), FILE) (PyTorch 1.6 or newer; older releases wrote a legacy format)");
    }
}
