namespace FedGan.Tensors.Tests;

public class SafetensorsHeaderBytesTests
{
    [Fact]
    public void Parses_the_length_and_header_of_a_hand_made_file()
    {
        var bytes = HandMadeFile.ThreeDtypes();

        var length = SafetensorsHeaderBytes.ParseLength(bytes.AsSpan(0, 8));
        var header = SafetensorsHeaderBytes.Parse(bytes.AsSpan(8, (int)length));

        Assert.Equal(bytes.Length - 8 - 14, length);
        Assert.Equal(["a", "b", "h"], header.Tensors.Select(t => t.Name));
        Assert.Equal(bytes.Length, header.FileLength);
        Assert.Equal("7", header.Metadata!["round"]);
    }

    [Fact]
    public void Refuses_a_length_past_the_callers_bound_and_a_header_too_short_to_be_json()
    {
        var bytes = HandMadeFile.ThreeDtypes();

        Assert.Throws<SafetensorsFormatException>(() => SafetensorsHeaderBytes.ParseLength(bytes.AsSpan(0, 8), maxHeaderLength: 16));
        Assert.Throws<SafetensorsFormatException>(() => SafetensorsHeaderBytes.Parse("{"u8));
    }
}
