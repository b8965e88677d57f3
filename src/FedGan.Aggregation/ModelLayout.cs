using System.Text;
using FedGan.Contracts.Models;
using FedGan.Tensors;

namespace FedGan.Aggregation;

/// <summary>One tensor of a model and where its values sit in the model's flat vector.</summary>
public sealed record LayoutTensor(string Name, int[] Shape, int Offset, int Count);

/// <summary>
/// A model's tensors laid end to end in one flat float vector, in the order a safetensors writer
/// puts them for F32 (by name), so a flat result can be written out as is. Also bounds the size
/// of anything that claims to be an update of this model.
/// </summary>
public sealed class ModelLayout
{
    /// <summary>Room left in an update's header for its metadata (num_samples, site, round, format...).</summary>
    public const int MetadataAllowanceBytes = 16 * 1024;

    private readonly Dictionary<string, LayoutTensor> _byName;

    private ModelLayout(IReadOnlyList<LayoutTensor> tensors, int parameters, long maxHeaderLength)
    {
        Tensors = tensors;
        Parameters = parameters;
        MaxHeaderLength = maxHeaderLength;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public IReadOnlyList<LayoutTensor> Tensors { get; }

    /// <summary>Number of values, the length of the flat vector.</summary>
    public int Parameters { get; }

    /// <summary>The longest JSON header an update of this model may have.</summary>
    public long MaxHeaderLength { get; }

    /// <summary>The most bytes an update of this model can take: the header bound plus every value as F32.</summary>
    public long MaxUpdateBytes => SafetensorsHeaderBytes.LengthPrefixSize + MaxHeaderLength + 4L * Parameters;

    public static ModelLayout From(IEnumerable<ModelTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        return From(tensors.Select(t => new TensorSpec(t.Name, t.Shape)));
    }

    public static ModelLayout From(IEnumerable<TensorSpec> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var specs = tensors.Select(t => t with { DType = TensorDType.F32 }).ToList();
        if (specs.Count == 0)
            throw new ArgumentException("A model needs at least one tensor.");
        // The writer validates names (unique, not reserved, valid Unicode) and shapes, and knows the order.
        var order = new SafetensorsWriter(Stream.Null, specs).Layout;
        var layout = new List<LayoutTensor>(order.Count);
        long offset = 0;
        long headerBound = MetadataAllowanceBytes + 16;
        foreach (var entry in order)
        {
            if (offset + entry.ElementCount > Array.MaxLength)
                throw new ArgumentException($"The model has more than {Array.MaxLength} parameters; one flat vector cannot hold them.");
            layout.Add(new LayoutTensor(entry.Name, entry.Shape, (int)offset, entry.ElementCount));
            offset += entry.ElementCount;
            // Worst case per entry: every name byte escaped as \u00XX, numbers at 20 digits, and
            // generous room for keys, punctuation and a pretty-printing writer's whitespace.
            headerBound += 6L * Encoding.UTF8.GetByteCount(entry.Name) + 160 + 22L * (entry.Shape.Length + 2);
        }
        return new ModelLayout(layout, (int)offset, headerBound);
    }

    public LayoutTensor this[string name] =>
        _byName.TryGetValue(name, out var tensor) ? tensor : throw new KeyNotFoundException($"The model has no tensor named '{name}'.");

    public bool TryGet(string name, out LayoutTensor tensor) => _byName.TryGetValue(name, out tensor!);

    /// <summary>The tensors as a writer or a layout check wants them, all of one wire dtype.</summary>
    public IEnumerable<TensorSpec> Specs(TensorDType dtype = TensorDType.F32) =>
        Tensors.Select(t => new TensorSpec(t.Name, t.Shape, dtype));

    /// <summary>Null when the header holds exactly this model's tensor names and shapes (any supported dtype); else the first difference.</summary>
    public string? FindMismatch(SafetensorsHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return header.FindMismatch(Specs());
    }
}
