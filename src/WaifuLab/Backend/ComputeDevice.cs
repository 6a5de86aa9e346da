namespace WaifuLab.Backend;

/// <summary>Where tensors live: chosen automatically (CUDA when present, else CPU) or forced.</summary>
public enum ComputeDevice { Auto, Cpu, Cuda }
