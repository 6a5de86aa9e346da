using TorchSharp;
using static TorchSharp.torch;

namespace WaifuLab.Data;

/// <summary>
/// Gathers decoded 8-bit planar RGB (CHW) images into one float32 (N,3,S,S) tensor in [-1,1], converting in chunks so no
/// managed array ever holds the whole dataset (60k images at 128 px would not fit in one .NET array).
/// </summary>
internal sealed class PixelAccumulator : IDisposable
{
    const int ChunkImages = 256;
    readonly int _size, _pixels;
    readonly byte[] _chunk;
    Tensor? _images;
    int _inChunk;

    public PixelAccumulator(int capacity, int size)
    {
        _size = size;
        _pixels = size * size * 3;
        _chunk = new byte[ChunkImages * _pixels];
        _images = empty([capacity, 3, size, size], float32);
    }

    public int Count { get; private set; }

    public void Add(ReadOnlySpan<byte> rgb)
    {
        rgb.CopyTo(_chunk.AsSpan(_inChunk * _pixels, _pixels));
        if (++_inChunk == ChunkImages) Flush();
    }

    void Flush()
    {
        if (_inChunk == 0) return;
        using var scope = NewDisposeScope();
        var bytes = tensor(_chunk, [ChunkImages, 3, _size, _size]).narrow(0, 0, _inChunk);
        // Same mapping as TensorImage.FromBitmap: 0 -> -1, 255 -> 1, so 8-bit pixels round-trip exactly. In place on
        // the contiguous destination: the cheapest way through (a strided permute here cost ~40% more).
        var target = _images!.narrow(0, Count, _inChunk);
        target.copy_(bytes);
        target.div_(127.5).sub_(1);
        Count += _inChunk;
        _inChunk = 0;
    }

    /// <summary>The images added so far as (Count,3,S,S); the caller owns the tensor.</summary>
    public Tensor Finish()
    {
        Flush();
        var images = _images!;
        _images = null;
        if (Count == images.shape[0]) return images;
        using (images) return images.narrow(0, 0, Count).clone();
    }

    public void Dispose() => _images?.Dispose();
}
