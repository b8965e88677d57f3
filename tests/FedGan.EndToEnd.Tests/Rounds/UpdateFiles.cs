using System.Text.Json.Nodes;
using FedGan.Tensors;

namespace FedGan.EndToEnd.Tests.Rounds;

/// <summary>Model updates a test builds by hand for a study's layout, as a misbehaving site might send them.</summary>
internal static class UpdateFiles
{
    public static List<(string Name, int[] Shape)> Layout(JsonObject manifest) =>
        manifest["model"]!["tensors"]!.AsArray()
            .Select(t => ((string)t!["name"]!, t["shape"]!.AsArray().Select(d => (int)d!).ToArray()))
            .ToList();

    public static byte[] Build(IEnumerable<(string Name, int[] Shape)> layout, Func<string, int, float> value, string siteId, int round)
    {
        var tensors = layout.Select(t =>
        {
            var count = t.Shape.Aggregate(1, (a, b) => a * b);
            return new NamedTensor(t.Name, t.Shape, Enumerable.Range(0, count).Select(i => value(t.Name, i)).ToArray());
        });
        return Safetensors.Serialize(tensors, new Dictionary<string, string>
        {
            ["num_samples"] = "100",
            ["site_id"] = siteId,
            ["round"] = round.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["base_version"] = (round - 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }
}
