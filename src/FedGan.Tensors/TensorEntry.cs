namespace FedGan.Tensors;

/// <summary>One tensor as a safetensors header describes it; offsets are relative to the start of the data section.</summary>
public sealed record TensorEntry(string Name, TensorDType DType, int[] Shape, long Begin, long End)
{
    public int ElementCount => ElementCountOf(Shape);

    public long ByteLength => End - Begin;

    /// <summary>The product of the dimensions (1 for a scalar, shape []).</summary>
    public static int ElementCountOf(IReadOnlyList<int> shape)
    {
        long count = 1;
        foreach (var dimension in shape)
        {
            if (dimension < 0)
                throw new ArgumentException($"Dimension {dimension} of shape [{string.Join(", ", shape)}] is negative.");
            count *= dimension;
            if (count > Array.MaxLength)
                throw new ArgumentException($"Shape [{string.Join(", ", shape)}] has more elements than one array can hold.");
        }
        return (int)count;
    }
}

/// <summary>A parsed and validated safetensors header: entries in data order, plus the free-form metadata.</summary>
public sealed class SafetensorsHeader
{
    private readonly Dictionary<string, TensorEntry> _byName;

    internal SafetensorsHeader(IReadOnlyList<TensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata, long headerLength)
    {
        Tensors = tensors;
        Metadata = metadata;
        HeaderLength = headerLength;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>Tensors in the order their bytes appear in the file.</summary>
    public IReadOnlyList<TensorEntry> Tensors { get; }

    /// <summary>The "__metadata__" map, or null when the file has none.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; }

    /// <summary>Length N of the JSON header (padding included), as stored in the first 8 bytes.</summary>
    public long HeaderLength { get; }

    /// <summary>Offset of the data section from the start of the file.</summary>
    public long DataStart => 8 + HeaderLength;

    public long DataLength => Tensors.Count == 0 ? 0 : Tensors[^1].End;

    /// <summary>Length the whole file must have.</summary>
    public long FileLength => DataStart + DataLength;

    public TensorEntry this[string name] =>
        _byName.TryGetValue(name, out var entry) ? entry : throw new KeyNotFoundException($"The file has no tensor named '{name}'.");

    public bool TryGet(string name, out TensorEntry entry) => _byName.TryGetValue(name, out entry!);
}
