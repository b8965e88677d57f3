using System.Runtime.InteropServices;
using FedGan.Tensors;

namespace FedGan.Aggregation;

/// <summary>
/// Consecutive values of one tensor as they came off the wire: <see cref="Count"/> values from
/// element <see cref="Start"/> of <see cref="Tensor"/>, still in the tensor's wire dtype.
/// </summary>
public readonly record struct TensorChunk(TensorEntry Tensor, int Start, int Count, ReadOnlyMemory<byte> Bytes)
{
    /// <summary>The values as float32: the wire bytes themselves for F32, else decoded into <paramref name="scratch"/>.</summary>
    internal ReadOnlySpan<float> Decode(Span<float> scratch)
    {
        if (Tensor.DType == TensorDType.F32 && BitConverter.IsLittleEndian)
            return MemoryMarshal.Cast<byte, float>(Bytes.Span);
        var values = scratch[..Count];
        WireFloat.Decode(Bytes.Span, Tensor.DType, values);
        return values;
    }
}
