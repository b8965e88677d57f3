using System.Diagnostics;
using System.Text.RegularExpressions;
using FedGan.Deployment.Tests.Rendering;
using FedGan.Testing;

namespace FedGan.Deployment.Tests;

/// <summary>
/// What every kustomization an operator may apply (the platform's base, each overlay, the hospital's
/// trainer) must hold, checked on kubectl's own rendering, parsed: pinned images, probes, resources,
/// a hardened securityContext, disruption budgets, and secrets only by reference to documented keys.
/// </summary>
public partial class KubernetesManifestTests
{
    public static TheoryData<string> Kustomizations => [.. Kustomize.Folders()];

    /// <summary>The Secrets k8s/README.md tells an operator to create, and their keys.</summary>
    private static readonly Dictionary<string, string[]> DocumentedSecrets = new()
    {
        ["fedgan-stores"] = ["redis-password", "redis", "blobs"],
        ["fedgan-credentials"] = ["coordinator", "roundscheduler", "aggregator", "modelregistry", "server-noise", "signing-key-encryption"],
        ["fedgan-site"] = ["site-id", "client-secret"],
    };

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Every_image_is_pinned_to_a_tag_or_digest_and_ours_to_the_product_version(string folder)
    {
        var version = ProductVersion.Value;
        foreach (var container in Kustomize.Render(folder).Where(o => o.IsWorkload).SelectMany(o => o.AllContainers))
        {
            var image = container.Image;
            var lastSegment = image[(image.LastIndexOf('/') + 1)..];
            var tag = lastSegment.Contains(':') ? lastSegment[(lastSegment.IndexOf(':') + 1)..].Split('@')[0] : null;
            var pinned = image.Contains("@sha256:") || (tag is { Length: > 0 } && tag != "latest");
            Assert.True(pinned, $"{container}: image '{image}' has no pinned tag or digest");
            // Our images (a locally built Redis aside) carry the version they were built as, unless pinned by digest.
            var repository = lastSegment.Split(':', '@')[0];
            if (image.Contains("fedgan/") && repository != "redis" && !image.Contains("@sha256:"))
            {
                Assert.True(tag == version, $"{container}: image '{image}' should carry the product version {version}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Every_container_is_probed_has_resources_and_a_hardened_security_context(string folder)
    {
        var workloads = Kustomize.Render(folder).Where(o => o.IsWorkload).ToList();
        Assert.NotEmpty(workloads);
        foreach (var container in workloads.SelectMany(w => w.AllContainers))
        {
            if (!container.Init)
            {
                var readiness = container.Node.At("readinessProbe");
                var liveness = container.Node.At("livenessProbe");
                Assert.True(readiness is not null, $"{container} has no readinessProbe");
                Assert.True(liveness is not null, $"{container} has no livenessProbe");
                // HTTP services answer readiness on /health and liveness on /alive (FedGan.ServiceDefaults).
                if (readiness.At("httpGet") is { } readinessGet)
                {
                    Assert.True(readinessGet.At("path").Text() == "/health", $"{container}: readinessProbe should GET /health");
                }

                if (liveness.At("httpGet") is { } livenessGet)
                {
                    Assert.True(livenessGet.At("path").Text() == "/alive", $"{container}: livenessProbe should GET /alive");
                }
            }

            var resources = container.Node.At("resources");
            Assert.True(resources.At("requests").At("cpu").Text() is { Length: > 0 }, $"{container} requests no cpu");
            Assert.True(resources.At("requests").At("memory").Text() is { Length: > 0 }, $"{container} requests no memory");
            Assert.True(resources.At("limits").At("memory").Text() is { Length: > 0 }, $"{container} has no memory limit");

            Assert.True(container.Security("runAsNonRoot") == "true", $"{container} is not runAsNonRoot (pod or container)");
            Assert.True(int.TryParse(container.Security("runAsUser"), out var uid) && uid > 0, $"{container} has no non-zero runAsUser");
            var own = container.Node.At("securityContext");
            Assert.True(own.At("readOnlyRootFilesystem").Text() == "true", $"{container} has a writable root filesystem");
            Assert.True(own.At("allowPrivilegeEscalation").Text() == "false", $"{container} allows privilege escalation");
            Assert.True(own.At("capabilities").At("drop").Items().Any(c => c.Text() == "ALL"), $"{container} does not drop ALL capabilities");
            var seccomp = own.At("seccompProfile").At("type").Text() ?? container.Owner.PodSpec.At("securityContext").At("seccompProfile").At("type").Text();
            Assert.True(seccomp is "RuntimeDefault" or "Localhost", $"{container} has no seccomp profile");
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Every_replicated_workload_has_a_disruption_budget_that_selects_it_and_still_allows_a_drain(string folder)
    {
        var objects = Kustomize.Render(folder);
        foreach (var workload in objects.Where(o => o.IsWorkload && int.Parse(o.Root.At("spec").At("replicas").Text() ?? "1") > 1))
        {
            var replicas = int.Parse(workload.Root.At("spec").At("replicas").Text()!);
            var labels = workload.Root.At("spec").At("template").At("metadata").At("labels").Entries().ToDictionary();
            var budgets = objects.Where(o => o.Kind == "PodDisruptionBudget" && o.Namespace == workload.Namespace
                && o.Root.At("spec").At("selector").At("matchLabels").Entries().All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();

            Assert.True(budgets.Count == 1, $"{workload} has {budgets.Count} PodDisruptionBudgets selecting it, not one");
            var budget = budgets[0];
            if (int.TryParse(budget.Root.At("spec").At("minAvailable").Text(), out var minAvailable))
            {
                Assert.True(minAvailable < replicas, $"{budget} keeps {minAvailable} of {workload}'s {replicas} replicas: no node could ever drain");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Secrets_are_only_referenced_by_documented_name_and_key_never_stored(string folder)
    {
        var objects = Kustomize.Render(folder);
        Assert.DoesNotContain(objects, o => o.Kind == "Secret");
        Assert.DoesNotMatch(AccountKey(), Kustomize.Output(folder));

        foreach (var container in objects.Where(o => o.IsWorkload).SelectMany(o => o.AllContainers))
        {
            foreach (var env in container.Node.At("env").Items())
            {
                var name = env.At("name").Text()!;
                if (env.At("valueFrom").At("secretKeyRef") is { } reference)
                {
                    var secret = reference.At("name").Text()!;
                    var key = reference.At("key").Text()!;
                    Assert.True(DocumentedSecrets.TryGetValue(secret, out var keys) && keys.Contains(key),
                        $"{container}: {name} reads Secret {secret} key {key}, which k8s/README.md does not document");
                }
                else
                {
                    Assert.False(SecretLike().IsMatch(name) && env.At("value") is not null,
                        $"{container}: {name} has a literal value; a secret belongs in a Secret (secretKeyRef)");
                }
            }

            foreach (var source in container.Node.At("envFrom").Items())
            {
                if (source.At("secretRef").At("name").Text() is { } secret)
                {
                    Assert.True(DocumentedSecrets.ContainsKey(secret), $"{container} reads every key of Secret {secret}, which is not documented");
                }
            }
        }

        foreach (var config in objects.Where(o => o.Kind == "ConfigMap"))
        {
            foreach (var (key, _) in config.Root.At("data").Entries())
            {
                Assert.False(SecretLike().IsMatch(key), $"{config} holds {key}; a secret belongs in a Secret");
            }
        }
    }

    /// <summary>An env name that carries a secret: a connection string, a password, a client secret, an encryption key.</summary>
    [GeneratedRegex("(ConnectionStrings__|Secret$|Password$|EncryptionKey$|__Secret$)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretLike();

    [GeneratedRegex("AccountKey=[A-Za-z0-9+/=]{20,}")]
    private static partial Regex AccountKey();

    /// <summary>The tag build/images.sh gives our images: the SDK's $(Version) (Directory.Build.props).</summary>
    private static readonly Lazy<string> ProductVersion = new(() =>
    {
        var info = new ProcessStartInfo("dotnet", ["msbuild", Path.Combine(Repository.Root, "src", "FedGan.Contracts", "FedGan.Contracts.csproj"), "-getProperty:Version"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0 && output.Length > 0, $"could not read $(Version): {process.StandardError.ReadToEnd()}");
        return output;
    });
}
