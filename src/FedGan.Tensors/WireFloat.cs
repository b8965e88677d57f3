using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace FedGan.Tensors;

/// <summary>
/// float32 to and from the little-endian wire encodings F32, F16 (IEEE binary16) and BF16
/// (bfloat16), rounding to nearest, ties to even, as PyTorch does.
/// </summary>
public static class WireFloat
{
    public static ushort ToHalfBits(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    public static float FromHalfBits(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);

    public static ushort ToBFloat16Bits(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000)
            return (ushort)((bits >> 16) | 0x0040); // NaN: keep sign and top payload, force quiet
        // Adding 0x7FFF plus the lowest kept bit rounds to nearest and breaks ties toward even;
        // a carry into the exponent is exactly the correct rounding up (to infinity at the top).
        var rounding = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }

    public static float FromBFloat16Bits(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>Encodes <paramref name="values"/> into <paramref name="destination"/> (exactly values.Length * size bytes).</summary>
    public static void Encode(ReadOnlySpan<float> values, TensorDType dtype, Span<byte> destination)
    {
        if (destination.Length != values.Length * dtype.ByteSize())
            throw new ArgumentException($"{values.Length} {dtype} values need {values.Length * dtype.ByteSize()} bytes, not {destination.Length}.");
        switch (dtype)
        {
            case TensorDType.F32 when BitConverter.IsLittleEndian:
                MemoryMarshal.AsBytes(values).CopyTo(destination);
                break;
            case TensorDType.F32:
                for (var i = 0; i < values.Length; i++)
                    BinaryPrimitives.WriteSingleLittleEndian(destination[(4 * i)..], values[i]);
                break;
            case TensorDType.F16:
                for (var i = 0; i < values.Length; i++)
                    BinaryPrimitives.WriteUInt16LittleEndian(destination[(2 * i)..], ToHalfBits(values[i]));
                break;
            case TensorDType.BF16:
                for (var i = 0; i < values.Length; i++)
                    BinaryPrimitives.WriteUInt16LittleEndian(destination[(2 * i)..], ToBFloat16Bits(values[i]));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown tensor dtype.");
        }
    }

    /// <summary>Decodes <paramref name="source"/> (exactly destination.Length * size bytes) into float32.</summary>
    public static void Decode(ReadOnlySpan<byte> source, TensorDType dtype, Span<float> destination)
    {
        if (source.Length != destination.Length * dtype.ByteSize())
            throw new ArgumentException($"{destination.Length} {dtype} values need {destination.Length * dtype.ByteSize()} bytes, not {source.Length}.");
        switch (dtype)
        {
            case TensorDType.F32 when BitConverter.IsLittleEndian:
                source.CopyTo(MemoryMarshal.AsBytes(destination));
                break;
            case TensorDType.F32:
                for (var i = 0; i < destination.Length; i++)
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]);
                break;
            case TensorDType.F16:
                for (var i = 0; i < destination.Length; i++)
                    destination[i] = FromHalfBits(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]));
                break;
            case TensorDType.BF16:
                for (var i = 0; i < destination.Length; i++)
                    destination[i] = FromBFloat16Bits(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown tensor dtype.");
        }
    }
}
