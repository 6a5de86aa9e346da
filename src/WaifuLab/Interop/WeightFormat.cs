namespace WaifuLab.Interop;

/// <summary>File formats of an exported state_dict.</summary>
public enum WeightFormat
{
    /// <summary>PyTorch's own <c>torch.save</c> zip pickle (.pt/.pth): <c>torch.load(FILE)</c> reads it.</summary>
    Pt,
    /// <summary>Hugging Face safetensors: a JSON index and raw tensor bytes, no pickle (<c>safetensors.torch.load_file</c>).</summary>
    Safetensors,
}
