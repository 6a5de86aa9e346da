namespace WaifuLab.Tests.Conditional;

/// <summary>Tests in this collection run while no other test runs, so seeded torch's global generator repeats.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTorch
{
    public const string Name = "serial torch";
}
