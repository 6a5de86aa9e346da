using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace WaifuLab.Models;

/// <summary>
/// Leaky ReLU whose slope scalar lives as long as the module. TorchSharp's <c>LeakyReLU</c> turns its double slope into
/// a temporary <c>Scalar</c> on every call and hands libtorch only its native handle, so a garbage collection on another
/// thread can finalize that scalar mid-call; libtorch then reads freed memory (our suite failed about once a run with
/// "Unknown scalar type" or "Expected false to be true" in Scalar::toFloat; upstream: dotnet/TorchSharp#1434, #1496).
/// Same operation, same numbers.
/// </summary>
public sealed class LeakyRelu : Module<Tensor, Tensor>
{
    private readonly TorchSharp.Scalar _slope;
    private readonly bool _inplace;

    public LeakyRelu(double slope, bool inplace = false) : base("LeakyReLU")
    {
        _slope = slope;
        _inplace = inplace;
    }

    public override Tensor forward(Tensor x) => _inplace ? x.leaky_relu_(_slope).alias() : x.leaky_relu(_slope); // alias: Sequential disposes a layer's input once the next layer has run, and in place the output is that input

    protected override void Dispose(bool disposing)
    {
        if (disposing) _slope.Dispose();
        base.Dispose(disposing);
    }
}
