using FedGan.Deployment.Tests.Rendering;
using YamlDotNet.RepresentationModel;

namespace FedGan.Deployment.Tests;

/// <summary>
/// The platform (k8s/base and each overlay) gives every service the configuration its code requires
/// (read from each service's Program.cs, Extensions and options, FedGan.ServiceDefaults, and what
/// the AppHost passes locally), the credentials that must agree do, and only the gateway is reachable
/// from outside.
/// </summary>
public class PlatformManifestTests
{
    public static TheoryData<string> Platforms => [.. Kustomize.Folders().Where(f => f != "k8s/edge-trainer")];

    private static readonly string[] Discovery =
        ["services__identity__http__0", "services__roundscheduler__http__0", "services__aggregator__http__0",
         "services__modelregistry__http__0", "services__privacyaccountant__http__0"];

    /// <summary>Per service: the keys without which it fails at start, cannot check tokens, or refuses a kind of study.</summary>
    private static readonly Dictionary<string, string[]> RequiredKeys = new()
    {
        // YARP clusters by logical name; revocation check (AddFedGanAuthentication) on Redis.
        ["gateway"] = [.. Discovery, "ConnectionStrings__redis", "ASPNETCORE_HTTP_PORTS", "OTEL_EXPORTER_OTLP_ENDPOINT", "ForwardedHeaders__KnownNetworks__0"],
        ["identity"] =
        [
            "ConnectionStrings__redis", "Identity__SigningKeyEncryptionKey", "ASPNETCORE_HTTP_PORTS", "OTEL_EXPORTER_OTLP_ENDPOINT",
            "Identity__BootstrapClients__coordinator__Role", "Identity__BootstrapClients__coordinator__Secret",
        ],
        ["privacyaccountant"] = ["ConnectionStrings__redis", "services__identity__http__0", "ASPNETCORE_HTTP_PORTS", "OTEL_EXPORTER_OTLP_ENDPOINT"],
        ["roundscheduler"] =
        [
            "ConnectionStrings__redis", "ServiceCredential__ClientId", "ServiceCredential__ClientSecret", "services__identity__http__0",
            "services__privacyaccountant__http__0", "services__aggregator__http__0", "services__modelregistry__http__0",
            "ASPNETCORE_HTTP_PORTS", "OTEL_EXPORTER_OTLP_ENDPOINT",
        ],
        ["modelregistry"] =
        [
            "ConnectionStrings__blobs", "ConnectionStrings__redis", "ServiceCredential__ClientId", "ServiceCredential__ClientSecret",
            "services__identity__http__0", "services__roundscheduler__http__0", "ASPNETCORE_HTTP_PORTS", "OTEL_EXPORTER_OTLP_ENDPOINT",
        ],
        ["aggregator"] =
        [
            "ConnectionStrings__redis", "ConnectionStrings__blobs", "ServiceCredential__ClientId", "ServiceCredential__ClientSecret",
            "Aggregator__ServerNoiseSecret", "services__identity__http__0", "services__modelregistry__http__0",
            "ASPNETCORE_HTTP_PORTS", "OTEL_EXPORTER_OTLP_ENDPOINT",
        ],
    };

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Every_service_gets_each_key_it_requires_from_the_manifest_or_a_secret(string folder)
    {
        var objects = Kustomize.Render(folder);
        foreach (var (service, keys) in RequiredKeys)
        {
            var container = ServiceContainer(objects, service);
            var provided = ProvidedKeys(objects, container);
            foreach (var key in keys)
            {
                Assert.True(provided.Contains(key), $"{container} lacks {key}, which FedGan.{service} requires");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Each_service_credential_is_a_bootstrap_client_of_Identity_reading_the_same_secret_key(string folder)
    {
        var objects = Kustomize.Render(folder);
        var identity = ServiceContainer(objects, "identity");
        var callers = objects.Where(o => o.Kind == "Deployment").SelectMany(o => o.Containers)
            .Where(c => Env(c, "ServiceCredential__ClientId") is not null).ToList();
        Assert.Equal(["aggregator", "modelregistry", "roundscheduler"], callers.Select(c => c.Owner.Name).Order());

        foreach (var caller in callers)
        {
            var clientId = Env(caller, "ServiceCredential__ClientId").At("value").Text()!;
            var secret = SecretReference(Env(caller, "ServiceCredential__ClientSecret"));
            var bootstrapSecret = SecretReference(Env(identity, $"Identity__BootstrapClients__{clientId}__Secret"));
            Assert.True(secret is not null && secret == bootstrapSecret,
                $"{caller} authenticates as '{clientId}' with {secret}, but Identity's bootstrap client '{clientId}' has {bootstrapSecret}");
            Assert.True(Env(identity, $"Identity__BootstrapClients__{clientId}__Role").At("value").Text() == "service",
                $"{identity}: bootstrap client '{clientId}' should have the role 'service'");
        }

        Assert.Equal("coordinator", Env(identity, "Identity__BootstrapClients__coordinator__Role").At("value").Text());
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Only_the_gateway_takes_traffic_from_outside_and_Redis_only_from_FedGan_pods(string folder)
    {
        var objects = Kustomize.Render(folder);
        var policies = objects.Where(o => o.Kind == "NetworkPolicy").ToList();
        foreach (var workload in objects.Where(o => o.IsWorkload))
        {
            var labels = workload.Root.At("spec").At("template").At("metadata").At("labels").Entries().ToDictionary();
            var selecting = policies.Where(p => Selects(p.Root.At("spec").At("podSelector"), labels)).ToList();
            var rules = selecting.SelectMany(p => p.Root.At("spec").At("ingress").Items()).ToList();
            if (workload.Name == "gateway")
            {
                Assert.True(selecting.Count == 0 || rules.Any(r => r.At("from") is null), $"{workload} must accept traffic from the ingress controller");
                continue;
            }

            Assert.True(selecting.Count > 0, $"{workload} has no NetworkPolicy: anything in the cluster can reach it");
            foreach (var rule in rules)
            {
                var sources = rule.At("from").Items().ToList();
                Assert.True(sources.Count > 0, $"{workload}: an ingress rule without 'from' admits every pod and address");
                foreach (var source in sources)
                {
                    Assert.True(source.At("namespaceSelector") is null && source.At("ipBlock") is null
                        && source.At("podSelector").At("matchLabels").At("app.kubernetes.io/part-of").Text() == "fedgan",
                        $"{workload} admits traffic from outside FedGan's own pods");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public void The_ingress_has_a_class_and_serves_its_hosts_over_TLS(string folder)
    {
        var ingress = Assert.Single(Kustomize.Render(folder), o => o.Kind == "Ingress");
        var spec = ingress.Root.At("spec");
        var tlsHosts = spec.At("tls").Items().SelectMany(t => t.At("hosts").Items()).Select(h => h.Text()).ToHashSet();

        Assert.True(spec.At("ingressClassName").Text() is { Length: > 0 }, $"{ingress} has no ingressClassName");
        Assert.True(spec.At("tls").Items().All(t => t.At("secretName").Text() is { Length: > 0 }), $"{ingress}: a TLS entry names no certificate Secret");
        foreach (var rule in spec.At("rules").Items())
        {
            Assert.True(tlsHosts.Contains(rule.At("host").Text()), $"{ingress}: host {rule.At("host").Text()} is not served over TLS");
            Assert.Equal("gateway", rule.At("http").At("paths").Items().Single().At("backend").At("service").At("name").Text());
        }
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Redis_appends_every_write_to_a_file_on_its_volume_and_its_password_is_on_no_command_line(string folder)
    {
        var objects = Kustomize.Render(folder);
        var redis = Assert.Single(objects, o => o.Kind == "StatefulSet" && o.Name == "redis");
        var server = Assert.Single(redis.Containers);
        var commandLine = server.Node.At("command").Items().Concat(server.Node.At("args").Items()).Select(a => a.Text()).ToList();

        Assert.Equal("redis-server", commandLine[0]);
        Assert.Equal("yes", commandLine[commandLine.IndexOf("--appendonly") + 1]);
        Assert.Equal("always", commandLine[commandLine.IndexOf("--appendfsync") + 1]);
        var dataDirectory = commandLine[commandLine.IndexOf("--dir") + 1];
        var mount = server.Node.At("volumeMounts").Items().Single(m => m.At("mountPath").Text() == dataDirectory);
        Assert.Contains(redis.Root.At("spec").At("volumeClaimTemplates").Items(), claim => claim.At("metadata").At("name").Text() == mount.At("name").Text());
        // Kubernetes expands $(VAR) in command and args: a password passed so would be visible in ps on the node.
        foreach (var container in redis.AllContainers)
        {
            var line = string.Join(' ', container.Node.At("command").Items().Concat(container.Node.At("args").Items()).Select(a => a.Text()));
            Assert.DoesNotContain("$(", line);
            Assert.DoesNotContain("requirepass \"$", line.Replace("\\", ""));
        }
    }

    private static Container ServiceContainer(IReadOnlyList<KubernetesObject> objects, string service)
    {
        var deployment = Assert.Single(objects, o => o.Kind == "Deployment" && o.Name == service);
        return Assert.Single(deployment.Containers);
    }

    private static YamlNode? Env(Container container, string name) =>
        container.Node.At("env").Items().SingleOrDefault(e => e.At("name").Text() == name);

    private static string? SecretReference(YamlNode? env) =>
        env.At("valueFrom").At("secretKeyRef") is { } reference ? $"{reference.At("name").Text()}/{reference.At("key").Text()}" : null;

    /// <summary>Env names with a non-empty value, a secretKeyRef, or a key of a ConfigMap it takes whole (envFrom).</summary>
    private static HashSet<string> ProvidedKeys(IReadOnlyList<KubernetesObject> objects, Container container)
    {
        var keys = container.Node.At("env").Items()
            .Where(e => e.At("value").Text() is { Length: > 0 } || e.At("valueFrom") is not null)
            .Select(e => e.At("name").Text()!).ToHashSet();
        foreach (var source in container.Node.At("envFrom").Items())
        {
            var name = source.At("configMapRef").At("name").Text();
            var map = objects.SingleOrDefault(o => o.Kind == "ConfigMap" && o.Name == name);
            Assert.True(name is null || map is not null, $"{container} takes ConfigMap {name}, which the manifests do not define");
            keys.UnionWith(map?.Root.At("data").Entries().Where(e => e.Value is { Length: > 0 }).Select(e => e.Key) ?? []);
        }

        return keys;
    }

    /// <summary>A label selector (matchLabels and In/NotIn/Exists/DoesNotExist expressions) against a pod's labels.</summary>
    private static bool Selects(YamlNode? selector, Dictionary<string, string?> labels) =>
        selector.At("matchLabels").Entries().All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value)
        && selector.At("matchExpressions").Items().All(e =>
        {
            var present = labels.TryGetValue(e.At("key").Text()!, out var value);
            var values = e.At("values").Items().Select(v => v.Text()).ToList();
            return e.At("operator").Text() switch
            {
                "In" => present && values.Contains(value),
                "NotIn" => !present || !values.Contains(value),
                "Exists" => present,
                "DoesNotExist" => !present,
                var other => throw new InvalidOperationException($"unknown selector operator {other}"),
            };
        });
}
