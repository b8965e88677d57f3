using System.Diagnostics;
using System.Text.RegularExpressions;
using FedGan.Testing;

namespace FedGan.Deployment.Tests;

/// <summary>The Kubernetes manifests as kubectl's own kustomize renders them.</summary>
public partial class KubernetesManifestTests
{
    private static readonly string[] PlatformServices = ["gateway", "identity", "roundscheduler", "aggregator", "modelregistry", "privacyaccountant"];

    [Fact]
    public void Every_platform_service_is_a_probed_deployment_behind_a_service()
    {
        var documents = Render("k8s/base");

        foreach (var service in PlatformServices)
        {
            var deployment = Assert.Single(documents, d => d.Contains("kind: Deployment") && d.Contains($"name: {service}\n"));
            Assert.Contains("path: /health", deployment);
            Assert.Contains("path: /alive", deployment);
            Assert.Contains("runAsNonRoot: true", deployment);
            Assert.Contains("readOnlyRootFilesystem: true", deployment);
            Assert.Single(documents, d => d.Contains("kind: Service\n") && d.Contains($"name: {service}\n"));
        }
    }

    [Fact]
    public void No_secret_value_is_in_the_manifests()
    {
        var documents = Render("k8s/base").Concat(Render("k8s/edge-trainer")).ToList();

        Assert.DoesNotContain(documents, d => d.Contains("kind: Secret"));
        Assert.DoesNotContain(documents, d => AccountKey().IsMatch(d));
    }

    [Fact]
    public void Only_the_gateway_accepts_traffic_from_outside_the_platform()
    {
        var policy = Assert.Single(Render("k8s/base"), d => d.Contains("kind: NetworkPolicy"));

        Assert.Contains("values:\n      - gateway", policy);
        Assert.Single(Render("k8s/base"), d => d.Contains("kind: Ingress") && d.Contains("name: gateway\n"));
    }

    private static List<string> Render(string folder)
    {
        var info = new ProcessStartInfo("kubectl", ["kustomize", Path.Combine(Repository.Root, folder)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"kubectl kustomize {folder} failed: {errors}");
        return output.Split("\n---\n").ToList();
    }

    [GeneratedRegex("AccountKey=[A-Za-z0-9+/=]{20,}")]
    private static partial Regex AccountKey();
}
