using FedGan.Contracts.Models;
using FedGan.Tensors;

namespace FedGan.ModelRegistry.Tests;

/// <summary>A tiny model of three tensors, weights files for it written with FedGan.Tensors, and publish requests.</summary>
public static class TestModels
{
    public static readonly ModelTensor[] Tensors =
    [
        new("discriminator.fc.bias", [3]),
        new("discriminator.fc.weight", [3, 4]),
        new("generator.fc.weight", [4, 2]),
    ];

    /// <summary>3 + 12 + 8 values.</summary>
    public const long Parameters = 23;

    public static ModelDescription Model(int seed = 7) => new(new ModelArchitecture(), Tensors, seed);

    /// <summary>Weights for the model whose values all depend on <paramref name="salt"/>, so each salt gives different bytes.</summary>
    public static byte[] Weights(float salt, IEnumerable<ModelTensor>? tensors = null) =>
        Safetensors.Serialize((tensors ?? Tensors).Select((t, k) => new NamedTensor(t.Name, t.Shape,
            Enumerable.Range(0, TensorEntry.ElementCountOf(t.Shape)).Select(i => salt + k + i / 8f).ToArray())));

    public static PublishVersionRequest Initial(string sha256, int seed = 7) =>
        new(sha256, null, null, Model(seed), null, null, null, null);

    public static PublishVersionRequest Aggregate(string sha256, int version, int? round = null, IReadOnlyDictionary<string, double>? metrics = null) =>
        new(sha256, version - 1, round ?? version, null,
            [new("hospital-a", 600, 0.6, new string('a', 64)), new("hospital-b", 400, 0.4, new string('b', 64))],
            "fedavg",
            new Dictionary<string, double> { ["hospital-a"] = 0.8, ["hospital-b"] = 0.75 },
            metrics ?? new Dictionary<string, double> { ["fid"] = 41.5 });
}
