using System.Text;

namespace FedGan.Tensors.Tests;

/// <summary>The writer's bytes against bytes laid out by hand (Python's safetensors is not installed here).</summary>
public class SafetensorsWriterTests
{
    // Published in the safetensors reference implementation's own tests
    // (huggingface/safetensors, safetensors/src/tensor.rs, test_serialization): "attn.0", F32,
    // shape [1, 2, 3], values 0..5.
    private static readonly byte[] ReferenceAttn0 =
    [
        64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
        116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
        58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
        101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
        0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ];

    // Same source, test_serialization_forced_alignement: name "attn0", shape [1, 1, 2, 3];
    // the 65-byte JSON is padded with 7 spaces to 72.
    private static readonly byte[] ReferenceAttn0Padded =
    [
        72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116,
        121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58,
        91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
        115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32,
        32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0,
        160, 64,
    ];

    [Fact]
    public void Matches_the_reference_implementations_published_bytes()
    {
        float[] values = [0, 1, 2, 3, 4, 5];

        Assert.Equal(ReferenceAttn0, Safetensors.Serialize([new NamedTensor("attn.0", [1, 2, 3], values)]));
        Assert.Equal(ReferenceAttn0Padded, Safetensors.Serialize([new NamedTensor("attn0", [1, 1, 2, 3], values)]));
    }

    [Fact]
    public void Empty_files_match_the_reference_implementations_published_bytes()
    {
        // Same source, test_empty: "{}" padded to 8; and with metadata {"framework": "pt"}.
        Assert.Equal(new byte[] { 8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32 }, Safetensors.Serialize([]));
        byte[] withMetadata =
        [
            40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
            95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
            116, 34, 125, 125, 32, 32, 32, 32, 32,
        ];
        Assert.Equal(withMetadata, Safetensors.Serialize([], new Dictionary<string, string> { ["framework"] = "pt" }));
    }

    [Fact]
    public void Mixed_dtypes_are_sorted_wider_first_then_by_name()
    {
        var bytes = WriteMixed();

        const string json =
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}," +
            "\"z\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[4,8]}," +
            "\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[8,10]}," +
            "\"w\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[10,12]}}"; // 216 bytes: no padding
        var expected = new List<byte> { 216, 0, 0, 0, 0, 0, 0, 0 };
        expected.AddRange(Encoding.ASCII.GetBytes(json));
        expected.AddRange([0x00, 0x00, 0x80, 0x3F]); // a = 1.0f
        expected.AddRange([0x00, 0x00, 0x00, 0x40]); // z = 2.0f
        expected.AddRange([0x40, 0x40]);             // b = 3.0 as bfloat16 0x4040
        expected.AddRange([0x00, 0x44]);             // w = 4.0 as half 0x4400
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Metadata_comes_first_and_the_header_is_padded_with_spaces()
    {
        var bytes = Safetensors.Serialize([new NamedTensor("x", [2], [1f, -1f])], new Dictionary<string, string> { ["format"] = "pt" });

        // 85 bytes of JSON + 3 spaces = 88.
        var expected = new List<byte> { 88, 0, 0, 0, 0, 0, 0, 0 };
        expected.AddRange(Encoding.ASCII.GetBytes("{\"__metadata__\":{\"format\":\"pt\"},\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}   "));
        expected.AddRange([0, 0, 0x80, 0x3F, 0, 0, 0x80, 0xBF]);
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Names_are_escaped_as_json_requires()
    {
        var bytes = Safetensors.Serialize([new NamedTensor("q\"\\\n\u0001é", [0], [])]);

        var json = Encoding.UTF8.GetString(bytes, 8, bytes.Length - 8).TrimEnd(' ');
        Assert.Equal("{\"q\\\"\\\\\\n\\u0001é\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}", json);
        Assert.Equal("q\"\\\n\u0001é", Safetensors.Deserialize(bytes).Tensors.Single().Name);
    }

    [Fact]
    public void Writer_refuses_tensors_out_of_order_or_of_the_wrong_size()
    {
        var writer = new SafetensorsWriter(new MemoryStream(), [new TensorSpec("b", [2]), new TensorSpec("a", [1])]);

        Assert.Contains("'a' comes next", Assert.Throws<InvalidOperationException>(() => writer.Write("b", [1f, 2f])).Message);
        Assert.Contains("needs 1 values", Assert.Throws<ArgumentException>(() => writer.Write("a", [1f, 2f])).Message);
        writer.Write("a", [1f]);
        Assert.Throws<InvalidOperationException>(writer.EnsureComplete);
    }

    [Fact]
    public void Duplicate_or_reserved_names_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Safetensors.Serialize([new NamedTensor("a", [1], [1f]), new NamedTensor("a", [1], [2f])]));
        Assert.Throws<ArgumentException>(() => Safetensors.Serialize([new NamedTensor("__metadata__", [1], [1f])]));
    }

    internal static byte[] WriteMixed()
    {
        using var stream = new MemoryStream();
        var writer = new SafetensorsWriter(stream,
        [
            new TensorSpec("w", [1], TensorDType.F16),
            new TensorSpec("b", [1], TensorDType.BF16),
            new TensorSpec("z", [], TensorDType.F32),
            new TensorSpec("a", [1], TensorDType.F32),
        ]);
        var values = new Dictionary<string, float[]> { ["a"] = [1f], ["z"] = [2f], ["b"] = [3f], ["w"] = [4f] };
        while (!writer.IsComplete)
            writer.Write(writer.Next.Name, values[writer.Next.Name]);
        return stream.ToArray();
    }
}
