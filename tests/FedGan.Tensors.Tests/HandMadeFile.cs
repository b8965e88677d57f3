using System.Text;

namespace FedGan.Tensors.Tests;

/// <summary>Builds safetensors bytes from a literal JSON header and literal data bytes, with no help from the code under test.</summary>
internal static class HandMadeFile
{
    public static byte[] Build(string json, params byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + data.Length];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), (ulong)header.Length);
        if (!BitConverter.IsLittleEndian)
            bytes.AsSpan(0, 8).Reverse();
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    /// <summary>
    /// Tensors listed out of offset order, metadata in the middle, no padding:
    /// a = F32 [1.0, -2.5] at [0,8), b = BF16 [0.5, -inf] at [8,12), h = F16 scalar 65504 at [12,14).
    /// </summary>
    public static byte[] ThreeDtypes() => Build(
        "{\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]}," +
        "\"__metadata__\":{\"format\":\"pt\",\"round\":\"7\"}," +
        "\"a\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[0,8]}," +
        "\"h\":{\"dtype\":\"F16\",\"shape\":[],\"data_offsets\":[12,14]}}",
        0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0, // 1.0f, -2.5f
        0x00, 0x3F, 0x80, 0xFF,                         // bfloat16 0x3F00 = 0.5, 0xFF80 = -inf
        0xFF, 0x7B);                                    // half 0x7BFF = 65504
}
