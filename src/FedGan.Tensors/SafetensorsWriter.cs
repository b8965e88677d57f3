namespace FedGan.Tensors;

/// <summary>
/// Writes a safetensors stream tensor by tensor: the header (all names, shapes, dtypes) goes out
/// on construction, then each tensor's values in <see cref="Layout"/> order, converted to its wire
/// dtype. Memory stays at one tensor's worth whatever the file size.
/// </summary>
public sealed class SafetensorsWriter
{
    private readonly Stream _stream;
    private int _next;

    public SafetensorsWriter(Stream stream, IEnumerable<TensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        _stream = stream;
        var (header, layout) = SafetensorsHeaderWriter.Build(tensors, metadata);
        Layout = layout;
        Span<byte> prefix = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        FileLength = 8 + header.Length + (layout.Count == 0 ? 0 : layout[^1].End);
    }

    /// <summary>The order in which tensors must be written, with their offsets.</summary>
    public IReadOnlyList<TensorEntry> Layout { get; }

    /// <summary>Length of the finished file.</summary>
    public long FileLength { get; }

    public bool IsComplete => _next == Layout.Count;

    /// <summary>The next tensor to write.</summary>
    public TensorEntry Next => !IsComplete ? Layout[_next] : throw new InvalidOperationException("All tensors have been written.");

    public void Write(string name, ReadOnlySpan<float> values)
    {
        var entry = Next;
        if (entry.Name != name)
            throw new InvalidOperationException($"Tensor '{entry.Name}' comes next in the file, not '{name}'.");
        if (values.Length != entry.ElementCount)
            throw new ArgumentException($"Tensor '{name}' of shape [{string.Join(", ", entry.Shape)}] needs {entry.ElementCount} values, not {values.Length}.");

        const int chunkValues = 1 << 14;
        var buffer = new byte[Math.Min(values.Length, chunkValues) * entry.DType.ByteSize()];
        for (var done = 0; done < values.Length; done += chunkValues)
        {
            var count = Math.Min(chunkValues, values.Length - done);
            var bytes = buffer.AsSpan(0, count * entry.DType.ByteSize());
            WireFloat.Encode(values.Slice(done, count), entry.DType, bytes);
            _stream.Write(bytes);
        }
        _next++;
    }

    /// <summary>Throws unless every tensor was written (a file missing tensors would fail validation on read).</summary>
    public void EnsureComplete()
    {
        if (!IsComplete)
            throw new InvalidOperationException($"Tensors from '{Layout[_next].Name}' on were never written.");
    }
}
