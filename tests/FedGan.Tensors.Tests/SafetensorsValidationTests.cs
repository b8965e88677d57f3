using FedGan.Testing;

namespace FedGan.Tensors.Tests;

/// <summary>Untrusted uploads: each malformed file is refused with a message naming its problem.</summary>
public class SafetensorsValidationTests
{
    private const string OneTensor = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    private static readonly byte[] EightBytes = [0, 0, 0x80, 0x3F, 0, 0, 0x80, 0x3F];

    [Fact]
    public void Shorter_than_the_length_prefix() =>
        AssertRefused([1, 2, 3], "shorter than the 8-byte");

    [Fact]
    public void Header_length_beyond_the_limit()
    {
        byte[] bytes = [1, 0xE1, 0xF5, 0x05, 0, 0, 0, 0, .. "{}"u8]; // 0x05F5E101 = 100,000,001
        AssertRefused(bytes, "at most 100000000");
    }

    [Fact]
    public void Header_length_beyond_a_caller_limit()
    {
        var error = Assert.Throws<SafetensorsFormatException>(() => Safetensors.Deserialize(HandMadeFile.Build(OneTensor, EightBytes), maxHeaderLength: 16));
        Assert.Contains("at most 16", error.Message);
    }

    [Fact]
    public void Header_length_beyond_the_file()
    {
        var bytes = HandMadeFile.Build(OneTensor, EightBytes);
        bytes[0] = 200;
        AssertRefused(bytes, "only");
    }

    [Fact]
    public void Header_that_is_not_an_object() => AssertRefused(HandMadeFile.Build("[1,2]"), "must start with '{'");

    [Fact]
    public void Header_that_is_not_json() => AssertRefused(HandMadeFile.Build("{\"x\":"), "not valid UTF-8 JSON");

    [Fact]
    public void Header_that_is_not_utf8()
    {
        var bytes = HandMadeFile.Build("{\"xx\":1}");
        bytes[10] = 0xFF; // inside the name
        AssertRefused(bytes, "not valid UTF-8 JSON");
    }

    [Fact]
    public void Unknown_dtype() =>
        AssertRefused(HandMadeFile.Build("{\"x\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", EightBytes), "'x': dtype 'I64' is not supported");

    [Fact]
    public void Shape_that_does_not_match_the_byte_length() =>
        AssertRefused(HandMadeFile.Build("{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", EightBytes), "needs 12 bytes");

    [Fact]
    public void Shape_with_a_negative_or_fractional_dimension()
    {
        AssertRefused(HandMadeFile.Build("{\"x\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", EightBytes), "non-negative integers");
        AssertRefused(HandMadeFile.Build("{\"x\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", EightBytes), "non-negative integers");
    }

    [Fact]
    public void Shape_whose_product_overflows() =>
        AssertRefused(HandMadeFile.Build("{\"x\":{\"dtype\":\"F32\",\"shape\":[2000000000,2000000000,4],\"data_offsets\":[0,8]}}", EightBytes), "more elements");

    [Fact]
    public void Offsets_that_leave_a_gap() =>
        AssertRefused(HandMadeFile.Build("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", EightBytes), "gap after offset 0");

    [Fact]
    public void Offsets_that_overlap() =>
        AssertRefused(HandMadeFile.Build(
            "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", EightBytes),
            "'y': its bytes [4, 8) overlap");

    [Fact]
    public void Offsets_that_run_backwards() =>
        AssertRefused(HandMadeFile.Build("{\"x\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}", EightBytes), "end before they begin");

    [Fact]
    public void Offsets_past_the_end_of_the_file() =>
        AssertRefused(HandMadeFile.Build(OneTensor, EightBytes[..6]), "describes 70");

    [Fact]
    public void Trailing_bytes_after_the_last_tensor() =>
        AssertRefused(HandMadeFile.Build(OneTensor, [.. EightBytes, 0]), "is 71 bytes long");

    [Fact]
    public void Duplicate_tensor_names() =>
        AssertRefused(HandMadeFile.Build(
            "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", EightBytes),
            "names 'x' twice");

    [Fact]
    public void Missing_or_unknown_fields()
    {
        AssertRefused(HandMadeFile.Build("{\"x\":{\"dtype\":\"F32\",\"shape\":[2]}}"), "all required");
        AssertRefused(HandMadeFile.Build("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"extra\":1}}", EightBytes), "'extra'");
        AssertRefused(HandMadeFile.Build("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,9]}}", EightBytes), "2 numbers");
    }

    [Fact]
    public void Metadata_with_a_non_string_value() =>
        AssertRefused(HandMadeFile.Build("{\"__metadata__\":{\"round\":3}}"), "'round' must be a string");

    [Fact]
    public void Forward_only_stream_that_ends_early()
    {
        using var reader = SafetensorsReader.Open(new TrickleStream(HandMadeFile.Build(OneTensor, EightBytes[..5]), perRead: 1000));

        var error = Assert.Throws<SafetensorsFormatException>(() => reader.ReadTensor("x"));
        Assert.Contains("ends before the bytes of tensor 'x'", error.Message);
    }

    private static void AssertRefused(byte[] bytes, string problem)
    {
        var error = Assert.Throws<SafetensorsFormatException>(() => Safetensors.Deserialize(bytes));
        Assert.Contains(problem, error.Message);
    }
}
