using System.Diagnostics;
using FedGan.Testing;
using YamlDotNet.RepresentationModel;

namespace FedGan.Deployment.Tests.Rendering;

/// <summary>One object of a rendered kustomization, parsed.</summary>
public sealed record KubernetesObject(string Folder, YamlMappingNode Root)
{
    public string Kind => Root.At("kind").Text() ?? "";

    public string Name => Root.At("metadata").At("name").Text() ?? "";

    public string Namespace => Root.At("metadata").At("namespace").Text() ?? "";

    public bool IsWorkload => Kind is "Deployment" or "StatefulSet" or "DaemonSet" or "Job";

    public YamlNode? PodSpec => Root.At("spec").At("template").At("spec");

    public IEnumerable<Container> Containers => PodSpec.At("containers").Items().Select(c => new Container(this, c, Init: false));

    public IEnumerable<Container> InitContainers => PodSpec.At("initContainers").Items().Select(c => new Container(this, c, Init: true));

    public IEnumerable<Container> AllContainers => InitContainers.Concat(Containers);

    public override string ToString() => $"{Kind} {Namespace}/{Name} ({Folder})";
}

/// <summary>A container of a workload, named in messages as "Deployment fedgan/gateway container gateway".</summary>
public sealed record Container(KubernetesObject Owner, YamlNode Node, bool Init)
{
    public string Name => Node.At("name").Text() ?? "";

    public string Image => Node.At("image").Text() ?? "";

    /// <summary>A container setting, or the pod's when the container does not set it.</summary>
    public string? Security(string key) =>
        Node.At("securityContext").At(key).Text() ?? Owner.PodSpec.At("securityContext").At(key).Text();

    public override string ToString() => $"{Owner} {(Init ? "init container" : "container")} {Name}";
}

/// <summary><c>kubectl kustomize</c> of a folder of this repository, parsed into its objects.</summary>
public static class Kustomize
{
    /// <summary>Every kustomization an operator may apply: the platform, each overlay, the hospital's trainer.</summary>
    public static IEnumerable<string> Folders()
    {
        yield return "k8s/base";
        var overlays = Path.Combine(Repository.Root, "k8s", "overlays");
        if (Directory.Exists(overlays))
        {
            foreach (var overlay in Directory.GetDirectories(overlays).Order(StringComparer.Ordinal))
            {
                yield return $"k8s/overlays/{Path.GetFileName(overlay)}";
            }
        }

        yield return "k8s/edge-trainer";
    }

    public static IReadOnlyList<KubernetesObject> Render(string folder)
    {
        var yaml = Output(folder);
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().Select(root => new KubernetesObject(folder, root))];
    }

    public static string Output(string folder)
    {
        var info = new ProcessStartInfo("kubectl", ["kustomize", Path.Combine(Repository.Root, folder)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"kubectl kustomize {folder} failed: {errors.Result}");
        return output;
    }

}

/// <summary>Null-tolerant steps through a parsed YAML document: a missing key yields null, not an exception.</summary>
public static class YamlNavigation
{
    public static YamlNode? At(this YamlNode? node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static string? Text(this YamlNode? node) => (node as YamlScalarNode)?.Value;

    public static IEnumerable<YamlNode> Items(this YamlNode? node) => node as YamlSequenceNode ?? (IEnumerable<YamlNode>)[];

    public static IEnumerable<(string Key, string? Value)> Entries(this YamlNode? node) =>
        node is YamlMappingNode mapping ? mapping.Children.Select(pair => (pair.Key.Text() ?? "", pair.Value.Text())) : [];
}
