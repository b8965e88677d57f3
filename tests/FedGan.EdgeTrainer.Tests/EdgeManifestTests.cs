using System.Diagnostics;
using System.Text;
using FedGan.Testing;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace FedGan.EdgeTrainer.Tests;

/// <summary>
/// k8s/edge-trainer as kubectl's kustomize renders it: the config file the ConfigMap carries, plus the
/// environment the Deployment sets, is a complete edge configuration whose paths are the volumes
/// the Deployment mounts.
/// </summary>
public sealed class EdgeManifestTests
{
    private static readonly Lazy<List<YamlMappingNode>> Documents = new(Render);

    private static List<YamlMappingNode> Render()
    {
        var info = new ProcessStartInfo("kubectl", ["kustomize", Path.Combine(Repository.Root, "k8s", "edge-trainer")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"kubectl kustomize k8s/edge-trainer failed: {errors}");
        var stream = new YamlStream();
        stream.Load(new StringReader(output));
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static YamlMappingNode Kind(string kind, string name) =>
        Assert.Single(Documents.Value, d => Scalar(d, "kind") == kind && Scalar(Map(d, "metadata"), "name") == name);

    private static YamlMappingNode Map(YamlNode node, string key) => (YamlMappingNode)((YamlMappingNode)node).Children[key];

    private static YamlSequenceNode List(YamlNode node, string key) =>
        ((YamlMappingNode)node).Children.TryGetValue(key, out var value) ? (YamlSequenceNode)value : new YamlSequenceNode();

    private static string? Scalar(YamlNode node, string key) =>
        ((YamlMappingNode)node).Children.TryGetValue(key, out var value) ? ((YamlScalarNode)value).Value : null;

    private static YamlMappingNode Container => (YamlMappingNode)List(PodSpec, "containers")[0];

    private static YamlMappingNode PodSpec => Map(Map(Map(Kind("Deployment", "fedgan-edge-trainer"), "spec"), "template"), "spec");

    /// <summary>Where the container mounts the volume of that name, and whether read-only.</summary>
    private static (string Path, bool ReadOnly) Mount(string volume)
    {
        var mount = List(Container, "volumeMounts").Cast<YamlMappingNode>().Single(m => Scalar(m, "name") == volume);
        return (Scalar(mount, "mountPath")!, Scalar(mount, "readOnly") == "true");
    }

    private static YamlMappingNode Volume(string name) =>
        List(PodSpec, "volumes").Cast<YamlMappingNode>().Single(v => Scalar(v, "name") == name);

    [Fact]
    public void The_config_map_and_the_deployments_environment_make_a_complete_configuration_on_the_mounted_volumes()
    {
        var edgeJson = Scalar(Map(Kind("ConfigMap", "fedgan-edge-config"), "data"), "edge.json")!;
        var environment = new Dictionary<string, string?>();
        foreach (YamlMappingNode variable in List(Container, "env"))
        {
            var name = Scalar(variable, "name")!;
            var value = Scalar(variable, "value");
            if (value is null)
            {
                // From a Secret: fedgan-site's site-id, as the hospital creates it.
                var reference = Map(Map(variable, "valueFrom"), "secretKeyRef");
                Assert.Equal(("fedgan-site", "site-id"), (Scalar(reference, "name"), Scalar(reference, "key")));
                value = "hospital-a";
            }

            environment[name.Replace("__", ":", StringComparison.Ordinal)] = value;
        }

        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(edgeJson)))
            .AddInMemoryCollection(environment)
            .Build();
        var options = configuration.GetSection(EdgeTrainerOptions.SectionName).Get<EdgeTrainerOptions>()!;

        // The file the trainer is told to read is the one the ConfigMap volume holds.
        Assert.Equal($"{Mount("config").Path}/edge.json", environment["FEDGAN_EDGE_CONFIG"]);
        Assert.Equal("fedgan-edge-config", Scalar(Map(Volume("config"), "configMap"), "name"));
        // The secret file is fedgan-site's client-secret, the images are read-only, the state is the PVC.
        Assert.Equal($"{Mount("site-secret").Path}/client-secret", options.ClientSecretFile);
        var secret = Map(Volume("site-secret"), "secret");
        Assert.Equal("fedgan-site", Scalar(secret, "secretName"));
        Assert.Equal("client-secret", Scalar((YamlMappingNode)List(secret, "items")[0], "key"));
        Assert.Equal((options.Data.Path!, true), Mount("images"));
        Assert.Equal((options.StateDirectory, false), Mount("state"));
        Assert.Equal("fedgan-edge-state", Scalar(Map(Volume("state"), "persistentVolumeClaim"), "claimName"));

        // Everything else is valid as it stands: only the mounted files are absent on this machine.
        var problems = EdgeTrainerOptionsValidator.Problems(options).ToList();
        Assert.All(problems, p => Assert.True(p.StartsWith("EdgeTrainer:ClientSecretFile", StringComparison.Ordinal)
            || p.StartsWith("EdgeTrainer:Data:Path", StringComparison.Ordinal), p));
        Assert.Equal("https://fedgan.example.org/identity/connect/token", options.EffectiveTokenEndpoint);
    }

    [Fact]
    public void The_trainer_runs_pinned_hardened_and_probed_with_no_way_in_and_only_https_out()
    {
        Assert.Equal("fedgan/edgetrainer:1.0.0", Scalar(Container, "image"));
        Assert.Equal("1654", Scalar(Map(PodSpec, "securityContext"), "runAsUser"));
        Assert.Equal("RuntimeDefault", Scalar(Map(Map(PodSpec, "securityContext"), "seccompProfile"), "type"));
        var security = Map(Container, "securityContext");
        Assert.Equal(("true", "false", "true"), (Scalar(security, "runAsNonRoot"), Scalar(security, "allowPrivilegeEscalation"), Scalar(security, "readOnlyRootFilesystem")));
        Assert.Equal(["ALL"], List(Map(security, "capabilities"), "drop").Cast<YamlScalarNode>().Select(n => n.Value));
        Assert.Equal("/health", Scalar(Map(Map(Container, "readinessProbe"), "httpGet"), "path"));
        Assert.Equal("/alive", Scalar(Map(Map(Container, "livenessProbe"), "httpGet"), "path"));
        Assert.NotNull(Scalar(Map(Map(Container, "resources"), "limits"), "memory"));

        var policy = Map(Kind("NetworkPolicy", "fedgan-edge-egress"), "spec");
        Assert.Empty(List(policy, "ingress"));
        var ports = List(policy, "egress").Cast<YamlMappingNode>().SelectMany(rule => List(rule, "ports").Cast<YamlMappingNode>())
            .Select(p => (Scalar(p, "port"), Scalar(p, "protocol"))).Order().ToList();
        Assert.Equal([("443", "TCP"), ("53", "TCP"), ("53", "UDP")], ports);
    }
}
