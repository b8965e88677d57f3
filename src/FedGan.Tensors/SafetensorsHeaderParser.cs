using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace FedGan.Tensors;

/// <summary>
/// Parses and validates a safetensors header, treating it as untrusted input: every field is
/// checked and offsets must tile the data section exactly (contiguous from 0, no overlap, no gap),
/// as the reference implementation requires.
/// </summary>
internal static class SafetensorsHeaderParser
{
    /// <summary>The reference implementation's limit on the JSON header (100 MB).</summary>
    public const long ReferenceMaxHeaderLength = 100_000_000;

    public const string MetadataKey = "__metadata__";

    public static long ParseLengthPrefix(ReadOnlySpan<byte> prefix, long maxHeaderLength)
    {
        var length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (length > (ulong)maxHeaderLength)
            throw new SafetensorsFormatException($"The header claims {length} bytes; at most {maxHeaderLength} are accepted.");
        if (length < 2)
            throw new SafetensorsFormatException($"The header claims {length} bytes; a JSON object needs at least 2.");
        return (long)length;
    }

    public static SafetensorsHeader Parse(ReadOnlySpan<byte> json)
    {
        if (json[0] != (byte)'{')
            throw new SafetensorsFormatException($"The header must start with '{{', not byte 0x{json[0]:X2}.");
        JsonDocument document;
        try
        {
            // Strict UTF-8 first: JsonDocument would accept some invalid sequences inside strings.
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(json);
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 4 });
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException)
        {
            throw new SafetensorsFormatException($"The header is not valid UTF-8 JSON: {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new SafetensorsFormatException("The header must be a JSON object.");
            IReadOnlyDictionary<string, string>? metadata = null;
            var names = new HashSet<string>(StringComparer.Ordinal);
            var entries = new List<TensorEntry>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                    throw new SafetensorsFormatException($"The header names '{property.Name}' twice.");
                if (property.Name == MetadataKey)
                    metadata = ParseMetadata(property.Value);
                else
                    entries.Add(ParseEntry(property.Name, property.Value));
            }
            entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            CheckTiling(entries);
            return new SafetensorsHeader(entries, metadata, json.Length);
        }
    }

    private static IReadOnlyDictionary<string, string>? ParseMetadata(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException($"\"{MetadataKey}\" must be an object of strings.");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new SafetensorsFormatException($"\"{MetadataKey}\" entry '{item.Name}' must be a string, not {item.Value.ValueKind}.");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw new SafetensorsFormatException($"\"{MetadataKey}\" names '{item.Name}' twice.");
        }
        return metadata;
    }

    private static TensorEntry ParseEntry(string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException($"Tensor '{name}': its description must be an object.");
        string? dtypeName = null;
        int[]? shape = null;
        long[]? offsets = null;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when dtypeName is null && field.Value.ValueKind == JsonValueKind.String:
                    dtypeName = field.Value.GetString();
                    break;
                case "shape" when shape is null:
                    shape = ReadIntegers(name, "shape", field.Value).Select(d => d <= int.MaxValue
                        ? (int)d
                        : throw new SafetensorsFormatException($"Tensor '{name}': dimension {d} is too large.")).ToArray();
                    break;
                case "data_offsets" when offsets is null:
                    offsets = ReadIntegers(name, "data_offsets", field.Value);
                    break;
                default:
                    throw new SafetensorsFormatException($"Tensor '{name}': unexpected or repeated field '{field.Name}'.");
            }
        }
        if (dtypeName is null || shape is null || offsets is null)
            throw new SafetensorsFormatException($"Tensor '{name}': dtype, shape and data_offsets are all required.");
        var dtype = dtypeName switch
        {
            "F32" => TensorDType.F32,
            "F16" => TensorDType.F16,
            "BF16" => TensorDType.BF16,
            _ => throw new SafetensorsFormatException($"Tensor '{name}': dtype '{dtypeName}' is not supported (F32, F16 and BF16 are)."),
        };
        if (offsets.Length != 2)
            throw new SafetensorsFormatException($"Tensor '{name}': data_offsets must hold 2 numbers, not {offsets.Length}.");
        if (offsets[1] < offsets[0])
            throw new SafetensorsFormatException($"Tensor '{name}': data_offsets [{offsets[0]}, {offsets[1]}] end before they begin.");

        int count;
        try
        {
            count = TensorEntry.ElementCountOf(shape);
        }
        catch (ArgumentException e)
        {
            throw new SafetensorsFormatException($"Tensor '{name}': {e.Message}", e);
        }
        var expectedBytes = (long)count * dtype.ByteSize();
        if (offsets[1] - offsets[0] != expectedBytes)
            throw new SafetensorsFormatException(
                $"Tensor '{name}': shape [{string.Join(", ", shape)}] of {dtypeName} needs {expectedBytes} bytes but data_offsets [{offsets[0]}, {offsets[1]}] span {offsets[1] - offsets[0]}.");
        return new TensorEntry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] ReadIntegers(string name, string field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
            throw new SafetensorsFormatException($"Tensor '{name}': {field} must be an array of non-negative integers.");
        var result = new long[value.GetArrayLength()];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var number) || number < 0)
                throw new SafetensorsFormatException($"Tensor '{name}': {field} must be an array of non-negative integers, found {item.GetRawText()}.");
            result[i++] = number;
        }
        return result;
    }

    private static void CheckTiling(List<TensorEntry> entries)
    {
        long expectedBegin = 0;
        foreach (var entry in entries)
        {
            if (entry.Begin < expectedBegin)
                throw new SafetensorsFormatException($"Tensor '{entry.Name}': its bytes [{entry.Begin}, {entry.End}) overlap the previous tensor's, which end at {expectedBegin}.");
            if (entry.Begin > expectedBegin)
                throw new SafetensorsFormatException($"Tensor '{entry.Name}': its bytes begin at {entry.Begin}, leaving a gap after offset {expectedBegin}.");
            expectedBegin = entry.End;
        }
    }
}
