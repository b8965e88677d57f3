namespace FedGan.Tensors.Tests;

/// <summary>Bit patterns computed by hand from the IEEE 754 binary16 and the bfloat16 layouts.</summary>
public class WireFloatTests
{
    [Theory]
    [InlineData(0x3F800000u, (ushort)0x3C00)] // 1.0
    [InlineData(0xBF800000u, (ushort)0xBC00)] // -1.0
    [InlineData(0x80000000u, (ushort)0x8000)] // -0.0
    [InlineData(0x477FE000u, (ushort)0x7BFF)] // 65504, the largest finite half
    [InlineData(0x477FF000u, (ushort)0x7C00)] // 65520: halfway to 65536, ties to even -> overflows to +inf
    [InlineData(0x477FEFFFu, (ushort)0x7BFF)] // just below that halfway point stays finite
    [InlineData(0x7F800000u, (ushort)0x7C00)] // +inf
    [InlineData(0x33800000u, (ushort)0x0001)] // 2^-24, the smallest subnormal half
    [InlineData(0x33000000u, (ushort)0x0000)] // 2^-25: tie between 0 and 2^-24, to even (0)
    [InlineData(0x33C00000u, (ushort)0x0002)] // 1.5 * 2^-24: tie between 1 and 2 ulps, to even (2)
    [InlineData(0x38800000u, (ushort)0x0400)] // 2^-14, the smallest normal half
    [InlineData(0x3F801000u, (ushort)0x3C00)] // 1 + 2^-11: tie between 1.0 and 1 + 2^-10, to even
    [InlineData(0x3F803000u, (ushort)0x3C02)] // 1 + 3 * 2^-11: tie, to even (mantissa 2)
    [InlineData(0x3F801001u, (ushort)0x3C01)] // just above the tie rounds up
    public void Float_to_half_rounds_to_nearest_even(uint floatBits, ushort halfBits)
    {
        Assert.Equal(halfBits, WireFloat.ToHalfBits(BitConverter.UInt32BitsToSingle(floatBits)));
    }

    [Theory]
    [InlineData(0x3F800000u, (ushort)0x3F80)] // 1.0
    [InlineData(0xC0200000u, (ushort)0xC020)] // -2.5
    [InlineData(0x3F808000u, (ushort)0x3F80)] // 1 + 2^-8: tie between 0x3F80 and 0x3F81, to even
    [InlineData(0x3F818000u, (ushort)0x3F82)] // tie between 0x3F81 and 0x3F82, to even
    [InlineData(0x3F808001u, (ushort)0x3F81)] // just above the tie rounds up
    [InlineData(0x3F807FFFu, (ushort)0x3F80)] // just below the tie rounds down
    [InlineData(0x00010000u, (ushort)0x0001)] // a subnormal that is exact in bfloat16
    [InlineData(0x00008000u, (ushort)0x0000)] // subnormal tie, to even (0)
    [InlineData(0x00018000u, (ushort)0x0002)] // subnormal tie, to even (2)
    [InlineData(0x7F7FFFFFu, (ushort)0x7F80)] // float max is past bfloat16's max + half ulp: +inf
    [InlineData(0x7F800000u, (ushort)0x7F80)] // +inf
    [InlineData(0xFF800000u, (ushort)0xFF80)] // -inf
    [InlineData(0x7FC00000u, (ushort)0x7FC0)] // the canonical quiet NaN
    [InlineData(0x7F800001u, (ushort)0x7FC0)] // a signalling NaN whose payload sits in the dropped bits stays a NaN
    public void Float_to_bfloat16_rounds_to_nearest_even(uint floatBits, ushort bf16Bits)
    {
        Assert.Equal(bf16Bits, WireFloat.ToBFloat16Bits(BitConverter.UInt32BitsToSingle(floatBits)));
    }

    [Theory]
    [InlineData((ushort)0x3C00, 1.0f)]
    [InlineData((ushort)0x7BFF, 65504f)]
    [InlineData((ushort)0x0001, 5.9604645e-8f)] // 2^-24
    [InlineData((ushort)0xC000, -2f)]
    public void Half_bits_decode_to_their_value(ushort bits, float value)
    {
        Assert.Equal(value, WireFloat.FromHalfBits(bits));
    }

    [Fact]
    public void Bfloat16_decoding_is_the_upper_half_of_a_float()
    {
        Assert.Equal(1.0f, WireFloat.FromBFloat16Bits(0x3F80));
        Assert.Equal(-2.5f, WireFloat.FromBFloat16Bits(0xC020));
        Assert.True(float.IsNaN(WireFloat.FromBFloat16Bits(0x7FC0)));
        Assert.Equal(float.NegativeInfinity, WireFloat.FromBFloat16Bits(0xFF80));
    }

    [Fact]
    public void Half_nan_stays_nan()
    {
        var bits = WireFloat.ToHalfBits(float.NaN);

        Assert.Equal(0x7C00, bits & 0x7C00); // exponent all ones
        Assert.NotEqual(0, bits & 0x03FF);   // non-zero mantissa
    }

    [Fact]
    public void Encoding_writes_little_endian_bytes()
    {
        var f16 = new byte[4];
        var bf16 = new byte[4];
        var f32 = new byte[8];

        WireFloat.Encode([1.0f, -2.0f], TensorDType.F16, f16);
        WireFloat.Encode([1.0f, -2.5f], TensorDType.BF16, bf16);
        WireFloat.Encode([1.0f, -2.5f], TensorDType.F32, f32);

        Assert.Equal(new byte[] { 0x00, 0x3C, 0x00, 0xC0 }, f16);
        Assert.Equal(new byte[] { 0x80, 0x3F, 0x20, 0xC0 }, bf16);
        Assert.Equal(new byte[] { 0, 0, 0x80, 0x3F, 0, 0, 0x20, 0xC0 }, f32);
    }
}
