using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FedGan.Contracts.Studies;

/// <summary>
/// The one place a study's terms are fingerprinted, so a hospital can approve exactly what it was
/// shown: SHA-256 (lower-case hex) of the value's canonical JSON, i.e. its contract JSON (snake_case
/// names) with object keys sorted ordinally and no whitespace. The edge trainer compares these with
/// the hashes its operator approved; the scheduler shows them with every study.
/// </summary>
public static class ContractHash
{
    public static string Of(Models.ModelArchitecture architecture) => Sha256(CanonicalJson(architecture));

    public static string Of(TrainingSettings training) => Sha256(CanonicalJson(training));

    /// <summary>The canonical JSON text the hash is taken of (shown in docs so anyone can recompute it).</summary>
    public static string CanonicalJson<T>(T value)
    {
        var node = JsonSerializer.SerializeToNode(value, ContractJson.Options);
        return Sorted(node)?.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) ?? "null";
    }

    private static string Sha256(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Sorted)]),
        _ => node?.DeepClone(),
    };
}
