using System.Net;
using FedGan.Contracts.Models;
using FedGan.Contracts.Studies;
using FedGan.Contracts.Updates;
using FedGan.Tensors;

namespace FedGan.Aggregator.Tests;

/// <summary>
/// A small model (26 parameters in three tensors), its version 0 published in the real registry,
/// and updates for it as plain float arrays turned into safetensors bytes with FedGan.Tensors.
/// </summary>
public sealed class TestModel
{
    public static readonly ModelTensor[] DefaultTensors =
    [
        new("d.weight", [3, 4]),
        new("d.bias", [4]),
        new("g.weight", [2, 5]),
    ];

    private TestModel(string study, IReadOnlyList<ModelTensor> tensors, Dictionary<string, float[]> baseWeights)
    {
        Study = study;
        Tensors = tensors;
        BaseWeights = baseWeights;
    }

    public string Study { get; }

    public IReadOnlyList<ModelTensor> Tensors { get; }

    public Dictionary<string, float[]> BaseWeights { get; }

    public static string NewStudy() => $"study-{Guid.NewGuid():N}"[..30];

    /// <summary>Publishes version 0 of a new study with deterministic weights.</summary>
    public static async Task<TestModel> PublishAsync(Stack stack, IReadOnlyList<ModelTensor>? tensors = null,
        Dictionary<string, float[]>? weights = null, string? study = null)
    {
        tensors ??= DefaultTensors;
        weights ??= tensors.ToDictionary(t => t.Name, t => Enumerable.Range(0, Count(t)).Select(i => 0.25f * ((i % 7) - 3)).ToArray());
        var model = new TestModel(study ?? NewStudy(), tensors, weights);
        var registry = stack.RegistryClient();
        var sha = await registry.UploadOkAsync(model.Study, model.File(weights));
        await registry.PublishOkAsync(model.Study, 0,
            new PublishVersionRequest(sha, null, null, new ModelDescription(new ModelArchitecture(), tensors, 7), null, null, null, null));
        return model;
    }

    public static int Count(ModelTensor tensor) => tensor.Shape.Aggregate(1, (a, b) => a * b);

    /// <summary>A update whose values are <paramref name="scale"/> times a pattern that depends on <paramref name="salt"/>.</summary>
    public Dictionary<string, float[]> Update(int salt, float scale = 0.01f) =>
        Tensors.ToDictionary(t => t.Name, t => Enumerable.Range(0, Count(t)).Select(i => scale * (((i * 5 + salt * 3) % 11) - 5)).ToArray());

    public byte[] File(Dictionary<string, float[]> values, IReadOnlyDictionary<string, string>? metadata = null, TensorDType dtype = TensorDType.F32) =>
        Safetensors.Serialize(Tensors.Select(t => new NamedTensor(t.Name, t.Shape, values[t.Name])), metadata, dtype);

    public byte[] UpdateFile(Dictionary<string, float[]> values, long numSamples, TensorDType dtype = TensorDType.F32) =>
        File(values, new Dictionary<string, string> { [UpdateMetadata.NumSamples] = numSamples.ToString(System.Globalization.CultureInfo.InvariantCulture) }, dtype);

    public RoundRegistration Registration(IReadOnlyList<string> sites, DateTimeOffset deadline, double clipNorm = 1.0,
        AggregationSettings? aggregation = null, int baseVersion = 0) =>
        new(baseVersion, sites, deadline, clipNorm, aggregation ?? new AggregationSettings());

    /// <summary>Registers round <paramref name="round"/> for <paramref name="sites"/>, open for a day of the test clock.</summary>
    public async Task RegisterAsync(Stack stack, int round, IReadOnlyList<string> sites, AggregationSettings? aggregation = null,
        double clipNorm = 1.0, int? baseVersion = null)
    {
        var response = await stack.AggregatorClient().RegisterAsync(Study, round,
            Registration(sites, stack.Clock.GetUtcNow().AddDays(1), clipNorm, aggregation, baseVersion ?? round - 1));
        await AggregatorClient.ExpectAsync(response, HttpStatusCode.Created);
    }
}
