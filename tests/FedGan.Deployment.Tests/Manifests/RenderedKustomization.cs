using System.Diagnostics;
using FedGan.Testing;
using YamlDotNet.RepresentationModel;

namespace FedGan.Deployment.Tests.Manifests;

/// <summary>
/// A kustomization as kubectl's own kustomize renders it, parsed as YAML into the parts a pod is
/// made of: workloads (Deployments, StatefulSets), Services, ConfigMaps.
/// </summary>
public sealed class RenderedKustomization
{
    private RenderedKustomization(string folder, IReadOnlyList<YamlMappingNode> documents)
    {
        Folder = folder;
        Documents = documents;
        Workloads = documents.Where(d => Kind(d) is "Deployment" or "StatefulSet").Select(Workload.Parse).ToList();
        Services = documents.Where(d => Kind(d) == "Service").Select(ServiceSpec.Parse).ToList();
        ConfigMaps = documents.Where(d => Kind(d) == "ConfigMap")
            .ToDictionary(d => Yaml.Name(d), d => (IReadOnlyDictionary<string, string>)Yaml.StringMap(Yaml.Child(d, "data")));
    }

    public string Folder { get; }

    public IReadOnlyList<YamlMappingNode> Documents { get; }

    public IReadOnlyList<Workload> Workloads { get; }

    public IReadOnlyList<ServiceSpec> Services { get; }

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> ConfigMaps { get; }

    /// <summary>Runs <c>kubectl kustomize</c> on a folder of the repository and parses every document.</summary>
    public static async Task<RenderedKustomization> RenderAsync(string folder)
    {
        var info = new ProcessStartInfo("kubectl", ["kustomize", Path.Combine(Repository.Root, folder)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("kubectl could not be started");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl kustomize {folder} failed: {await errors}");
        }

        var stream = new YamlStream();
        stream.Load(new StringReader(await output));
        var documents = stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
        return new RenderedKustomization(folder, documents);
    }

    /// <summary>The Services that select a workload's pods: in a cluster their names resolve to it.</summary>
    public IReadOnlyList<ServiceSpec> ServicesFor(Workload workload) =>
        Services.Where(s => s.Selector.Count > 0 && s.Selector.All(l => workload.PodLabels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();

    private static string? Kind(YamlMappingNode document) => Yaml.String(document, "kind");
}

/// <summary>A Deployment or StatefulSet's pod template (one replica is enough to prove it starts).</summary>
public sealed record Workload(
    string Kind,
    string Name,
    int Replicas,
    IReadOnlyDictionary<string, string> PodLabels,
    IReadOnlyList<ContainerSpec> Containers,
    IReadOnlyDictionary<string, VolumeSource> Volumes)
{
    public static Workload Parse(YamlMappingNode document)
    {
        var spec = Yaml.Child(document, "spec");
        var template = Yaml.Child(spec, "template");
        var podSpec = Yaml.Child(template, "spec");
        var podSecurity = Yaml.Child(podSpec, "securityContext");

        var volumes = Yaml.Sequence(podSpec, "volumes").ToDictionary(v => Yaml.Name(v), VolumeSource.Parse);
        foreach (var claim in Yaml.Sequence(spec, "volumeClaimTemplates"))
        {
            volumes[Yaml.Name(claim)] = new VolumeSource(VolumeKind.PersistentVolumeClaim, Yaml.Name(claim), false, []);
        }

        var containers = Yaml.Sequence(podSpec, "initContainers").Select(c => ContainerSpec.Parse(c, podSecurity, init: true))
            .Concat(Yaml.Sequence(podSpec, "containers").Select(c => ContainerSpec.Parse(c, podSecurity, init: false)))
            .ToList();
        return new Workload(
            Yaml.String(document, "kind")!,
            Yaml.Name(document),
            int.TryParse(Yaml.String(spec, "replicas"), out var replicas) ? replicas : 1,
            Yaml.StringMap(Yaml.Child(Yaml.Child(template, "metadata"), "labels")),
            containers,
            volumes);
    }
}

/// <summary>
/// One container with its pod's security context folded in. Its readiness probe: an HTTP path on a
/// port (ReadinessPath, ReadinessPort), a TCP port (ReadinessPort only) or a command (ReadinessCommand).
/// </summary>
public sealed record ContainerSpec(
    string Name,
    string Image,
    bool Init,
    IReadOnlyList<string>? Command,
    IReadOnlyList<string>? Args,
    IReadOnlyList<EnvVar> Env,
    IReadOnlyList<EnvFromSource> EnvFrom,
    long? RunAsUser,
    long? RunAsGroup,
    long? FsGroup,
    bool ReadOnlyRootFilesystem,
    bool NoNewPrivileges,
    IReadOnlyList<string> DropCapabilities,
    IReadOnlyList<string> AddCapabilities,
    IReadOnlyList<VolumeMount> VolumeMounts,
    IReadOnlyDictionary<string, int> Ports,
    string? ReadinessPath,
    string? ReadinessPort,
    IReadOnlyList<string>? ReadinessCommand)
{
    public static ContainerSpec Parse(YamlMappingNode container, YamlMappingNode? podSecurity, bool init)
    {
        var security = Yaml.Child(container, "securityContext");
        long? Long(string key) =>
            long.TryParse(Yaml.String(security, key) ?? Yaml.String(podSecurity, key), out var value) ? value : null;
        var capabilities = Yaml.Child(security, "capabilities");
        var probe = Yaml.Child(container, "readinessProbe");
        var readiness = Yaml.Child(probe, "httpGet");
        var readinessTcp = Yaml.Child(probe, "tcpSocket");
        var readinessExec = Yaml.Child(probe, "exec");

        return new ContainerSpec(
            Yaml.Name(container),
            Yaml.String(container, "image") ?? throw new InvalidOperationException($"container {Yaml.Name(container)} has no image"),
            init,
            Yaml.Has(container, "command") ? Yaml.Strings(container, "command") : null,
            Yaml.Has(container, "args") ? Yaml.Strings(container, "args") : null,
            Yaml.Sequence(container, "env").Select(EnvVar.Parse).ToList(),
            Yaml.Sequence(container, "envFrom").Select(EnvFromSource.Parse).ToList(),
            Long("runAsUser"),
            Long("runAsGroup"),
            long.TryParse(Yaml.String(podSecurity, "fsGroup"), out var fsGroup) ? fsGroup : null,
            Yaml.String(security, "readOnlyRootFilesystem") == "true",
            Yaml.String(security, "allowPrivilegeEscalation") == "false",
            Yaml.Strings(capabilities, "drop"),
            Yaml.Strings(capabilities, "add"),
            Yaml.Sequence(container, "volumeMounts").Select(m => new VolumeMount(
                Yaml.Name(m), Yaml.String(m, "mountPath")!, Yaml.String(m, "readOnly") == "true", Yaml.String(m, "subPath"))).ToList(),
            Yaml.Sequence(container, "ports").ToDictionary(
                p => Yaml.String(p, "name") ?? Yaml.String(p, "containerPort")!, p => int.Parse(Yaml.String(p, "containerPort")!)),
            Yaml.String(readiness, "path"),
            Yaml.String(readiness, "port") ?? Yaml.String(readinessTcp, "port"),
            readinessExec is null ? null : Yaml.Strings(readinessExec, "command"));
    }

    /// <summary>A port by number or by the container's port name, as probes and Services refer to it.</summary>
    public int ResolvePort(string port) =>
        int.TryParse(port, out var number) ? number
        : Ports.TryGetValue(port, out var named) ? named
        : throw new InvalidOperationException($"container {Name} has no port named {port}");
}

public sealed record KeyRef(string Name, string Key, bool Optional);

/// <summary>One <c>env</c> entry: a literal value, or a key of a ConfigMap or Secret.</summary>
public sealed record EnvVar(string Name, string? Value, KeyRef? ConfigMapKey, KeyRef? SecretKey)
{
    public static EnvVar Parse(YamlMappingNode entry)
    {
        var from = Yaml.Child(entry, "valueFrom");
        if (Yaml.Child(from, "fieldRef") is not null || Yaml.Child(from, "resourceFieldRef") is not null)
        {
            throw new NotSupportedException($"env {Yaml.Name(entry)}: fieldRef/resourceFieldRef are not emulated by this test");
        }

        return new EnvVar(Yaml.Name(entry), Yaml.String(entry, "value"),
            KeyReference(Yaml.Child(from, "configMapKeyRef")), KeyReference(Yaml.Child(from, "secretKeyRef")));
    }

    private static KeyRef? KeyReference(YamlMappingNode? node) => node is null
        ? null
        : new KeyRef(Yaml.Name(node), Yaml.String(node, "key")!, Yaml.String(node, "optional") == "true");
}

public sealed record EnvFromSource(string? ConfigMap, string? Secret, string Prefix, bool Optional)
{
    public static EnvFromSource Parse(YamlMappingNode entry)
    {
        var configMap = Yaml.Child(entry, "configMapRef");
        var secret = Yaml.Child(entry, "secretRef");
        return new EnvFromSource(configMap is null ? null : Yaml.Name(configMap), secret is null ? null : Yaml.Name(secret),
            Yaml.String(entry, "prefix") ?? string.Empty, Yaml.String(configMap ?? secret, "optional") == "true");
    }
}

public sealed record VolumeMount(string Volume, string MountPath, bool ReadOnly, string? SubPath);

public enum VolumeKind { EmptyDir, PersistentVolumeClaim, ConfigMap, Secret }

/// <summary>Where a pod volume comes from; <see cref="Items"/> are configMap/secret items (key, path).</summary>
public sealed record VolumeSource(VolumeKind Kind, string Source, bool Memory, IReadOnlyList<KeyValuePair<string, string>> Items)
{
    public static VolumeSource Parse(YamlMappingNode volume)
    {
        var name = Yaml.Name(volume);
        if (Yaml.Child(volume, "emptyDir") is { } emptyDir)
        {
            return new VolumeSource(VolumeKind.EmptyDir, name, Yaml.String(emptyDir, "medium") == "Memory", []);
        }

        if (Yaml.Child(volume, "persistentVolumeClaim") is { } claim)
        {
            return new VolumeSource(VolumeKind.PersistentVolumeClaim, Yaml.String(claim, "claimName")!, false, []);
        }

        if (Yaml.Child(volume, "configMap") is { } configMap)
        {
            return new VolumeSource(VolumeKind.ConfigMap, Yaml.Name(configMap), false, ItemsOf(configMap));
        }

        if (Yaml.Child(volume, "secret") is { } secret)
        {
            return new VolumeSource(VolumeKind.Secret, Yaml.String(secret, "secretName")!, false, ItemsOf(secret));
        }

        throw new NotSupportedException($"volume {name}: only emptyDir, persistentVolumeClaim, configMap and secret are emulated");
    }

    private static List<KeyValuePair<string, string>> ItemsOf(YamlMappingNode source) =>
        Yaml.Sequence(source, "items").Select(i => KeyValuePair.Create(Yaml.String(i, "key")!, Yaml.String(i, "path")!)).ToList();
}

public sealed record ServiceSpec(string Name, IReadOnlyDictionary<string, string> Selector, IReadOnlyList<(int Port, string TargetPort)> Ports)
{
    public static ServiceSpec Parse(YamlMappingNode document)
    {
        var spec = Yaml.Child(document, "spec");
        return new ServiceSpec(Yaml.Name(document), Yaml.StringMap(Yaml.Child(spec, "selector")),
            Yaml.Sequence(spec, "ports").Select(p =>
            {
                var port = int.Parse(Yaml.String(p, "port")!);
                return (port, Yaml.String(p, "targetPort") ?? port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }).ToList());
    }
}

/// <summary>Small readers over YamlDotNet's representation model.</summary>
internal static class Yaml
{
    public static YamlMappingNode? Child(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child as YamlMappingNode : null;

    public static bool Has(YamlMappingNode? node, string key) =>
        node is not null && node.Children.ContainsKey(new YamlScalarNode(key));

    public static string? String(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? (child as YamlScalarNode)?.Value : null;

    public static string Name(YamlMappingNode node) =>
        String(node, "name") ?? String(Child(node, "metadata"), "name") ?? throw new InvalidOperationException("a manifest entry has no name");

    public static IEnumerable<YamlMappingNode> Sequence(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlSequenceNode sequence
            ? sequence.Children.OfType<YamlMappingNode>()
            : [];

    public static List<string> Strings(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlSequenceNode sequence
            ? sequence.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? string.Empty).ToList()
            : [];

    public static Dictionary<string, string> StringMap(YamlMappingNode? node) =>
        node?.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => (c.Value as YamlScalarNode)?.Value ?? string.Empty)
        ?? [];
}
