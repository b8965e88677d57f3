namespace FedGan.Tensors;

/// <summary>
/// The header parser for callers that do their own I/O (asynchronous request bodies and blob
/// downloads, hashed and counted as they are read): the same validation as
/// <see cref="SafetensorsReader.Open"/>, applied to bytes already in hand.
/// </summary>
public static class SafetensorsHeaderBytes
{
    public const int LengthPrefixSize = 8;

    /// <summary>The JSON header's length from the file's first 8 bytes, refused past <paramref name="maxHeaderLength"/>.</summary>
    public static long ParseLength(ReadOnlySpan<byte> prefix, long maxHeaderLength = SafetensorsHeaderParser.ReferenceMaxHeaderLength)
    {
        if (prefix.Length != LengthPrefixSize)
            throw new ArgumentException($"The length prefix is {LengthPrefixSize} bytes, not {prefix.Length}.", nameof(prefix));
        return SafetensorsHeaderParser.ParseLengthPrefix(prefix, maxHeaderLength);
    }

    /// <summary>Parses and validates the JSON header (the bytes after the length prefix, padding included).</summary>
    public static SafetensorsHeader Parse(ReadOnlySpan<byte> json)
    {
        if (json.Length < 2)
            throw new SafetensorsFormatException($"The header is {json.Length} bytes; a JSON object needs at least 2.");
        return SafetensorsHeaderParser.Parse(json);
    }
}
