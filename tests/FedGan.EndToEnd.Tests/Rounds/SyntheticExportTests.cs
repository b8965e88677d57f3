using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FedGan.EndToEnd.Tests.Access;

namespace FedGan.EndToEnd.Tests.Rounds;

/// <summary>
/// A coordinator turns a trained version into synthetic images with `fedgan models sample` and scores
/// it with `fedgan models evaluate`, without writing code: files, a grid and a provenance record that
/// agrees with the registry's manifest; scores the registry keeps with the version.
/// </summary>
[Collection(FederatedCollection.Name)]
public sealed class SyntheticExportTests(FederatedStackFixture fixture) : IDisposable
{
    private static readonly string[] Hospitals = ["hospital-1", "hospital-2"];

    private readonly Coordinator _coordinator = new(fixture);
    private readonly string _exports = Directory.CreateTempSubdirectory("fedgan-e2e-export-").FullName;

    public void Dispose() => Directory.Delete(_exports, recursive: true);

    [Fact]
    public async Task A_trained_version_exports_as_dicom_with_provenance_matching_the_registry_and_is_scored_and_bad_requests_write_nothing()
    {
        var study = fixture.NewApprovedStudyId();
        await _coordinator.CreateStudyAsync(study, string.Join(',', Hospitals), "--quorum", "2", "--rounds", "1");
        Assert.Equal("completed", (string)(await _coordinator.WaitForStudyToEndAsync(study))["status"]!);
        var manifest = await _coordinator.GetAsync($"/registry/studies/{study}/versions/latest");
        var environment = await _coordinator.CliEnvironmentAsync();

        var folder = Path.Combine(_exports, "dicom");
        var run = await FedganCli.RunAsync(environment, "models", "sample", "--study", study, "--per-class", "2", "--classes", "0,9",
            "--format", "dicom", "--seed", "7", "--out", folder);

        Assert.True(run.ExitCode == 0, $"fedgan models sample: {run.Stderr}");
        var provenance = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "provenance.json")))!;
        Assert.Equal(1, (int)provenance["version"]!);
        Assert.Equal((string)manifest["weights_sha256"]!, (string)provenance["weights_sha256"]!);
        Assert.Equal(manifest["epsilon_by_site"]!.ToJsonString(), provenance["epsilon_by_site"]!.ToJsonString());
        Assert.Equal(Hospitals, provenance["contributions"]!.AsArray().Select(c => (string)c!["site_id"]!).Order());
        Assert.Equal(1e-5, (double)provenance["delta"]!);
        Assert.Equal("rdp", (string)provenance["accountant"]!);
        Assert.Equal(7UL, (ulong)provenance["draw"]!["seed"]!);

        var files = provenance["files"]!.AsArray();
        Assert.Equal(5, files.Count); // 2 classes x 2 images, and the grid
        Assert.Equal(2, Directory.GetFiles(Path.Combine(folder, "images", "9"), "*.dcm").Length);
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(folder, (string)file!["path"]!));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), (string)file["sha256"]!);
        }

        // Version 0 is the untrained model: it has no privacy figures, so it is not exported.
        var untrained = Path.Combine(_exports, "untrained");
        run = await FedganCli.RunAsync(environment, "models", "sample", "--study", study, "--version", "0", "--out", untrained);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("has no privacy figures", run.Stderr);
        Assert.False(Directory.Exists(untrained));

        run = await FedganCli.RunAsync(environment, "models", "sample", "--study", study, "--version", "99", "--out", untrained);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("99", run.Stderr);
        Assert.False(Directory.Exists(untrained));

        // An export never lands in a folder that holds other files.
        run = await FedganCli.RunAsync(environment, "models", "sample", "--study", study, "--out", folder);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("is not empty", run.Stderr);
        Assert.Equal(5, Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Length - 1); // the files above and provenance.json

        await A_version_is_scored_against_real_test_images_and_the_registry_keeps_the_score(study, manifest, environment);
    }

    /// <summary>Small settings: the scores are not the point here, that they are computed on the real data and kept is.</summary>
    private async Task A_version_is_scored_against_real_test_images_and_the_registry_keeps_the_score(
        string study, JsonObject manifest, Dictionary<string, string> environment)
    {
        var report = Path.Combine(_exports, "report.html");
        var run = await FedganCli.RunAsync(environment, "models", "evaluate", "--study", study, "--test", "/usr/share/datasets/fashion-mnist",
            "--synthetic-images", "200", "--fd-samples", "200", "--tstr-epochs", "1", "--cache-dir", Path.Combine(_exports, "cache"), "--report", report);

        Assert.True(run.ExitCode == 0, $"fedgan models evaluate: {run.Stderr}");
        var evaluation = run.Json;
        Assert.Equal((string)manifest["weights_sha256"]!, (string)evaluation["weights_sha256"]!);
        Assert.InRange((double)evaluation["tstr_accuracy"]!, 0, 1);
        Assert.Equal(10, evaluation["per_class_recall"]!.AsArray().Count);
        // Without --reference, the 10,000 t10k images are split in halves: feature classifier and test.
        Assert.Equal(5_000, (int)evaluation["test"]!["images"]!);
        Assert.Equal(5_000, (int)evaluation["reference"]!["images"]!);
        Assert.NotEqual((string)evaluation["test"]!["sha256"]!, (string)evaluation["reference"]!["sha256"]!);
        var html = await File.ReadAllTextAsync(report);
        Assert.Contains("TSTR accuracy", html);
        Assert.Contains("data:image/png;base64,", html);

        run = await FedganCli.RunAsync(environment, "models", "list", "--study", study);
        Assert.True(run.ExitCode == 0, $"fedgan models list: {run.Stderr}");
        var listed = System.Text.Json.Nodes.JsonNode.Parse(run.Stdout)!.AsArray();
        Assert.Empty(listed[0]!["evaluations"]!.AsArray());
        var kept = Assert.Single(listed[1]!["evaluations"]!.AsArray())!;
        Assert.Equal((double)evaluation["tstr_accuracy"]!, (double)kept["tstr_accuracy"]!);

        run = await FedganCli.RunAsync(environment, "models", "evaluate", "--study", study, "--test", Path.Combine(_exports, "missing"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no such folder or .npz file", run.Stderr);
    }
}
