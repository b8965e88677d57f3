namespace FedGan.Tensors;

/// <summary>A named float32 tensor in memory; <see cref="Values"/> is row-major and matches <see cref="Shape"/>.</summary>
public sealed record NamedTensor
{
    public NamedTensor(string name, int[] shape, float[] values)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(values);
        if (TensorEntry.ElementCountOf(shape) != values.Length)
            throw new ArgumentException($"Tensor '{name}' of shape [{string.Join(", ", shape)}] needs {TensorEntry.ElementCountOf(shape)} values, not {values.Length}.");
        Name = name;
        Shape = shape;
        Values = values;
    }

    public string Name { get; }
    public int[] Shape { get; }
    public float[] Values { get; }
}

/// <summary>A whole safetensors file in memory: tensors in file order and the metadata map (null when absent).</summary>
public sealed record SafetensorsContent(IReadOnlyList<NamedTensor> Tensors, IReadOnlyDictionary<string, string>? Metadata)
{
    public NamedTensor this[string name] =>
        Tensors.FirstOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"No tensor named '{name}'.");
}

/// <summary>The simple, in-memory side of the safetensors format.</summary>
public static class Safetensors
{
    /// <summary>The bytes of a file holding <paramref name="tensors"/>, all written as <paramref name="dtype"/>.</summary>
    public static byte[] Serialize(IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null, TensorDType dtype = TensorDType.F32)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        using var buffer = new MemoryStream();
        var writer = new SafetensorsWriter(buffer, list.Select(t => new TensorSpec(t.Name, t.Shape, dtype)), metadata);
        var byName = list.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var entry in writer.Layout)
            writer.Write(entry.Name, byName[entry.Name].Values);
        return buffer.ToArray();
    }

    public static void Save(string path, IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null, TensorDType dtype = TensorDType.F32) =>
        File.WriteAllBytes(path, Serialize(tensors, metadata, dtype));

    /// <summary>Parses and validates a whole file; throws <see cref="SafetensorsFormatException"/> naming the first problem.</summary>
    public static SafetensorsContent Deserialize(byte[] bytes, long maxHeaderLength = SafetensorsHeaderParser.ReferenceMaxHeaderLength)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var reader = SafetensorsReader.Open(new MemoryStream(bytes, writable: false), maxHeaderLength);
        var tensors = reader.Header.Tensors.Select(e => new NamedTensor(e.Name, e.Shape, reader.ReadTensor(e.Name))).ToArray();
        return new SafetensorsContent(tensors, reader.Header.Metadata);
    }

    public static SafetensorsContent Load(string path) => Deserialize(File.ReadAllBytes(path));
}
