using FedGan.Testing;

namespace FedGan.Tensors.Tests;

public class SafetensorsReaderTests
{
    [Fact]
    public void Reads_a_hand_made_file_with_three_dtypes_and_metadata()
    {
        var content = Safetensors.Deserialize(HandMadeFile.ThreeDtypes());

        Assert.Equal(["a", "b", "h"], content.Tensors.Select(t => t.Name));
        Assert.Equal([2, 1], content["a"].Shape);
        Assert.Equal([1.0f, -2.5f], content["a"].Values);
        Assert.Equal([0.5f, float.NegativeInfinity], content["b"].Values);
        Assert.Empty(content["h"].Shape);
        Assert.Equal([65504f], content["h"].Values);
        Assert.Equal(new Dictionary<string, string> { ["format"] = "pt", ["round"] = "7" }, content.Metadata);
    }

    [Fact]
    public void Reads_the_reference_implementations_example()
    {
        // The 0..5 "attn.0" file from the reference's test suite (see SafetensorsWriterTests).
        var bytes = HandMadeFile.Build(
            "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}",
            0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64);

        var tensor = Safetensors.Deserialize(bytes)["attn.0"];

        Assert.Equal([1, 2, 3], tensor.Shape);
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f], tensor.Values);
    }

    [Theory]
    [InlineData(TensorDType.F32)]
    [InlineData(TensorDType.F16)]
    [InlineData(TensorDType.BF16)]
    public void Round_trip_keeps_names_shapes_metadata_and_representable_values(TensorDType dtype)
    {
        // Small integers and halves are exact in all three encodings.
        NamedTensor[] tensors =
        [
            new("generator.fc.weight", [3, 2], [1f, -2f, 0.5f, 0f, 96f, -0.25f]),
            new("generator.fc.bias", [3], [3f, 4f, -8f]),
            new("empty", [0, 4], []),
        ];
        var metadata = new Dictionary<string, string> { ["round"] = "3", ["site"] = "hospital-2" };

        var content = Safetensors.Deserialize(Safetensors.Serialize(tensors, metadata, dtype));

        Assert.Equal(metadata, content.Metadata);
        foreach (var tensor in tensors)
        {
            Assert.Equal(tensor.Shape, content[tensor.Name].Shape);
            Assert.Equal(tensor.Values, content[tensor.Name].Values);
        }
    }

    [Fact]
    public void Bfloat16_round_trip_rounds_to_the_nearest_representable_value()
    {
        // 1 + 2^-7 + 2^-9 lies between bfloat16 values 1 + 2^-7 and 1 + 2^-6, nearer the first.
        var value = 1f + MathF.Pow(2, -7) + MathF.Pow(2, -9);

        var back = Safetensors.Deserialize(Safetensors.Serialize([new NamedTensor("x", [1], [value])], dtype: TensorDType.BF16));

        Assert.Equal(1f + MathF.Pow(2, -7), back["x"].Values[0]);
    }

    [Fact]
    public void Streams_a_file_forward_only_skipping_tensors()
    {
        var bytes = HandMadeFile.ThreeDtypes();
        using var reader = SafetensorsReader.Open(new TrickleStream(bytes, perRead: 1000));

        Assert.Equal([0.5f, float.NegativeInfinity], reader.ReadTensor("b")); // skips a's 8 bytes
        var h = new float[1];
        reader.ReadTensor("h", h);
        Assert.Equal(65504f, h[0]);
        Assert.Contains("forward-only", Assert.Throws<InvalidOperationException>(() => reader.ReadTensor("a")).Message);
    }

    [Fact]
    public void Seekable_stream_reads_in_any_order_and_leaves_the_stream_open_when_asked()
    {
        var stream = new MemoryStream(HandMadeFile.ThreeDtypes());
        using (var reader = SafetensorsReader.Open(stream, leaveOpen: true))
        {
            Assert.Equal([65504f], reader.ReadTensor("h"));
            Assert.Equal([1.0f, -2.5f], reader.ReadTensor("a"));
            Assert.Equal(3, reader.Header.Tensors.Count);
        }
        Assert.True(stream.CanRead);
    }

    [Fact]
    public void Large_tensors_stream_through_in_chunks()
    {
        // 100,003 values cross the reader's 64 KiB chunks at an odd boundary.
        var values = Enumerable.Range(0, 100_003).Select(i => (float)(i % 251) - 125f).ToArray();
        var bytes = Safetensors.Serialize([new NamedTensor("big", [100_003], values)], dtype: TensorDType.F16);

        using var reader = SafetensorsReader.Open(new TrickleStream(bytes, perRead: 1000));

        Assert.Equal(values, reader.ReadTensor("big"));
    }

    [Fact]
    public void A_forward_only_stream_claiming_a_long_header_costs_what_it_holds()
    {
        // The prefix claims 99 MB of header (under the reference's 100 MB limit); 10 bytes follow.
        byte[] bytes = [.. BitConverter.GetBytes(99_000_000L), .. "{\"a\":{\"dt"u8];

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsReader.Open(new TrickleStream(bytes, perRead: 1000)));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("ends inside the 99000000-byte header", error.Message);
        Assert.InRange(allocated, 0, 1L << 20);
    }

    [Fact]
    public void Destination_of_the_wrong_size_is_refused()
    {
        using var reader = SafetensorsReader.Open(new MemoryStream(HandMadeFile.ThreeDtypes()));

        Assert.Throws<ArgumentException>(() => reader.ReadTensor("a", new float[3]));
        Assert.Throws<KeyNotFoundException>(() => reader.ReadTensor("missing"));
    }
}

public class SafetensorsLayoutTests
{
    private static readonly TensorSpec[] Model = [new("a", [2, 1]), new("b", [2]), new("h", [])];

    [Fact]
    public void Header_matching_the_model_has_no_mismatch()
    {
        using var reader = SafetensorsReader.Open(new MemoryStream(HandMadeFile.ThreeDtypes()));

        Assert.Null(reader.Header.FindMismatch(Model));
        Assert.Equal(5, reader.Header.TotalElements);
        Assert.Contains("'b' is BF16, expected F32", reader.Header.FindMismatch(Model, compareDTypes: true));
    }

    [Fact]
    public void Missing_extra_or_reshaped_tensors_are_named()
    {
        using var reader = SafetensorsReader.Open(new MemoryStream(HandMadeFile.ThreeDtypes()));

        Assert.Equal("tensor 'c' is missing.", reader.Header.FindMismatch([.. Model, new TensorSpec("c", [1])]));
        Assert.Equal("tensor 'h' is not part of the model.", reader.Header.FindMismatch(Model[..2]));
        Assert.Equal("tensor 'a' has shape [2, 1], expected [1, 2].", reader.Header.FindMismatch([new("a", [1, 2]), Model[1], Model[2]]));
    }

    [Fact]
    public void Flat_read_concatenates_tensors_in_the_given_order()
    {
        using var reader = SafetensorsReader.Open(new TrickleStream(HandMadeFile.ThreeDtypes(), perRead: 1000));
        var flat = new float[5];

        reader.ReadFlat(["a", "b", "h"], flat);

        Assert.Equal([1.0f, -2.5f, 0.5f, float.NegativeInfinity, 65504f], flat);
    }
}
