using System.Globalization;
using System.Text;

namespace FedGan.Tensors;

/// <summary>What a writer needs to know about a tensor before its data: name, shape and wire dtype.</summary>
public sealed record TensorSpec(string Name, int[] Shape, TensorDType DType = TensorDType.F32);

/// <summary>
/// Lays out a header byte for byte as the safetensors reference writer does, so a file written
/// here equals one written by Python's safetensors.torch.save_file for the same tensors:
/// tensors sorted by dtype (wider first: F32, BF16, F16) then by name (byte order); compact JSON
/// with "__metadata__" first; each entry {"dtype","shape","data_offsets"}; spaces pad the JSON to
/// a multiple of 8 bytes. Metadata keys are written in ordinal order (the reference uses a hash
/// map, so with more than one key its order is not reproducible anyway).
/// </summary>
internal static class SafetensorsHeaderWriter
{
    public static (byte[] Header, IReadOnlyList<TensorEntry> Layout) Build(
        IEnumerable<TensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var specs = tensors.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            ArgumentNullException.ThrowIfNull(spec.Name, nameof(TensorSpec.Name));
            if (spec.Name == SafetensorsHeaderParser.MetadataKey)
                throw new ArgumentException($"'{SafetensorsHeaderParser.MetadataKey}' is reserved and cannot name a tensor.");
            if (!names.Add(spec.Name))
                throw new ArgumentException($"Tensor '{spec.Name}' is given twice.");
            if (!IsValidUnicode(spec.Name))
                throw new ArgumentException($"Tensor name '{spec.Name}' holds an unpaired surrogate and has no UTF-8 form.");
            _ = TensorEntry.ElementCountOf(spec.Shape);
        }
        specs.Sort((a, b) =>
        {
            var byDType = b.DType.ReferenceOrder().CompareTo(a.DType.ReferenceOrder());
            return byDType != 0 ? byDType : Utf8Order(a.Name, b.Name);
        });

        var layout = new List<TensorEntry>(specs.Count);
        long offset = 0;
        foreach (var spec in specs)
        {
            var length = (long)TensorEntry.ElementCountOf(spec.Shape) * spec.DType.ByteSize();
            layout.Add(new TensorEntry(spec.Name, spec.DType, spec.Shape.ToArray(), offset, offset + length));
            offset += length;
        }

        var json = new StringBuilder("{");
        if (metadata is not null)
        {
            json.Append("\"__metadata__\":{");
            var first = true;
            foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                json.Append(first ? "" : ",").Append(Quote(key)).Append(':').Append(Quote(value));
                first = false;
            }
            json.Append('}');
            if (layout.Count > 0)
                json.Append(',');
        }
        for (var i = 0; i < layout.Count; i++)
        {
            var entry = layout[i];
            json.Append(i == 0 ? "" : ",")
                .Append(Quote(entry.Name))
                .Append(":{\"dtype\":\"").Append(entry.DType.WireName())
                .Append("\",\"shape\":[").AppendJoin(',', entry.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture)))
                .Append("],\"data_offsets\":[").Append(entry.Begin.ToString(CultureInfo.InvariantCulture))
                .Append(',').Append(entry.End.ToString(CultureInfo.InvariantCulture)).Append("]}");
        }
        json.Append('}');

        var bytes = Encoding.UTF8.GetBytes(json.ToString());
        var padded = (bytes.Length + 7) / 8 * 8;
        var header = new byte[padded];
        bytes.CopyTo(header, 0);
        header.AsSpan(bytes.Length).Fill((byte)' ');
        return (header, layout);
    }

    /// <summary>A JSON string as serde_json writes it: escapes only quote, backslash and control characters.</summary>
    internal static string Quote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\b': quoted.Append("\\b"); break;
                case '\f': quoted.Append("\\f"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\r': quoted.Append("\\r"); break;
                case '\t': quoted.Append("\\t"); break;
                case < ' ': quoted.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: quoted.Append(c); break;
            }
        }
        return quoted.Append('"').ToString();
    }

    private static bool IsValidUnicode(string text)
    {
        try
        {
            _ = StrictUtf8.GetByteCount(text);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    // Rust compares strings by their UTF-8 bytes; UTF-16 ordinal order differs for supplementary characters.
    private static int Utf8Order(string a, string b) =>
        Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));
}
