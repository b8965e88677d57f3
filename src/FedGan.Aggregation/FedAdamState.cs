using FedGan.Contracts;
using FedGan.Tensors;

namespace FedGan.Aggregation;

/// <summary>
/// FedAdam's per-parameter moments between rounds, stored as one safetensors F32 file with a
/// "exp_avg/{tensor}" and an "exp_avg_sq/{tensor}" entry per model tensor (PyTorch's names for
/// Adam's moments), so a re-run of a round starts from exactly the stored values.
/// </summary>
public sealed class FedAdamState
{
    private const string FirstPrefix = "exp_avg/";
    private const string SecondPrefix = "exp_avg_sq/";

    private FedAdamState(float[] first, float[] second)
    {
        FirstMoment = first;
        SecondMoment = second;
    }

    public float[] FirstMoment { get; }

    public float[] SecondMoment { get; }

    /// <summary>Before the first FedAdam round: m = 0 and v = tau^2, the least the paper allows (v_{-1} &gt;= tau^2).</summary>
    public static FedAdamState Initial(ModelLayout layout, double tau)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var second = new float[layout.Parameters];
        Array.Fill(second, (float)(tau * tau));
        return new FedAdamState(new float[layout.Parameters], second);
    }

    /// <summary>Reads a stored state, checking it holds both moments of every tensor of <paramref name="layout"/>.</summary>
    public static async Task<FedAdamState> LoadAsync(ModelLayout layout, ITensorFileSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(source);
        var state = new FedAdamState(new float[layout.Parameters], new float[layout.Parameters]);
        var fileLayout = FileLayout(layout);
        await ModelFileReading.ReadAsync(source, fileLayout, expectedSha256: null, ErrorCodes.OptimizerStateCorrupt, (values, offset) =>
        {
            // The file layout is the model's twice over: first moments, then second moments.
            var target = offset < layout.Parameters ? state.FirstMoment.AsSpan(offset) : state.SecondMoment.AsSpan(offset - layout.Parameters);
            values.CopyTo(target);
        }, cancellationToken);
        return state;
    }

    /// <summary>Writes the state as safetensors F32; the same state always gives the same bytes.</summary>
    public async Task WriteAsync(ModelLayout layout, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(destination);
        var fileLayout = FileLayout(layout);
        using var header = new MemoryStream();
        _ = new SafetensorsWriter(header, fileLayout.Specs());
        await destination.WriteAsync(header.GetBuffer().AsMemory(0, (int)header.Length), cancellationToken);
        foreach (var tensor in fileLayout.Tensors)
        {
            var (values, offset) = tensor.Offset < layout.Parameters
                ? (FirstMoment, tensor.Offset)
                : (SecondMoment, tensor.Offset - layout.Parameters);
            await FloatStreamWriting.WriteAsync(destination, tensor.Count,
                (start, count) => values.AsSpan(offset + start, count), cancellationToken);
        }
    }

    /// <summary>
    /// The state file's own flat layout: every "exp_avg/" entry sorts before every "exp_avg_sq/"
    /// one ('/' &lt; '_'), and within each the model's order, so the first half is m and the second v.
    /// </summary>
    private static ModelLayout FileLayout(ModelLayout layout)
    {
        var fileLayout = ModelLayout.From(layout.Tensors.Select(t => new TensorSpec(FirstPrefix + t.Name, t.Shape))
            .Concat(layout.Tensors.Select(t => new TensorSpec(SecondPrefix + t.Name, t.Shape))));
        for (var i = 0; i < layout.Tensors.Count; i++)
        {
            if (fileLayout.Tensors[i].Name != FirstPrefix + layout.Tensors[i].Name
                || fileLayout.Tensors[layout.Tensors.Count + i].Name != SecondPrefix + layout.Tensors[i].Name)
                throw new InvalidOperationException("The optimizer state's layout is not the model's twice over.");
        }
        return fileLayout;
    }
}
