namespace WaifuLab.Backend;

/// <summary>The native TorchSharp backend could not be loaded; the message says why and what to do.</summary>
public sealed class TorchBackendException(string message, Exception? inner = null) : Exception(message, inner);
