using System.Buffers.Binary;
using System.Text.Json;
using FedGan.EdgeTrainer.Check;

namespace FedGan.EdgeTrainer.Tests;

/// <summary>
/// `fedgan-edge check` as hospital IT runs it: on real DICOM files (pydicom's test files) in class
/// sub-folders, against the real Identity service, and on configurations that are wrong in ways an
/// installer gets them wrong.
/// </summary>
public sealed class EdgeCheckTests(IdentityOnKestrel identity) : IClassFixture<IdentityOnKestrel>, IDisposable
{
    private const string PydicomFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    private readonly string _root = Directory.CreateTempSubdirectory("fedgan-edge-check-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>CT: 1 image; MR: 3 readable (explicit little, RLE, big endian) and 1 truncated; CT also holds an RT plan, which has no pixels.</summary>
    private string DicomFolder()
    {
        var images = Path.Combine(_root, "images");
        foreach (var (folder, file) in new[]
                 {
                     ("CT", "CT_small.dcm"), ("CT", "rtplan.dcm"),
                     ("MR", "MR_small.dcm"), ("MR", "MR_small_RLE.dcm"), ("MR", "MR_small_bigendian.dcm"), ("MR", "MR_truncated.dcm"),
                 })
        {
            Directory.CreateDirectory(Path.Combine(images, folder));
            File.Copy(Path.Combine(PydicomFiles, file), Path.Combine(images, folder, file));
        }

        return images;
    }

    private string Config(object edgeTrainer)
    {
        var path = Path.Combine(_root, "edge.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { EdgeTrainer = edgeTrainer }));
        return path;
    }

    private string SecretFile(string secret)
    {
        var path = Path.Combine(_root, "client-secret");
        File.WriteAllText(path, secret + "\n");
        return path;
    }

    private object WorkingConfig(string? secret = null, string? gateway = null, bool identityDirectly = true) => new
    {
        Gateway = gateway ?? $"http://127.0.0.1:{identity.Port}",
        SiteId = IdentityOnKestrel.SiteId,
        ClientSecretFile = SecretFile(secret ?? identity.SiteSecret),
        // Identity itself serves /connect/token; behind the gateway it is /identity/connect/token, the default.
        TokenEndpoint = identityDirectly ? identity.TokenEndpoint : null,
        StateDirectory = Path.Combine(_root, "state"),
        Data = new { Source = "dicom-folder", Path = DicomFolder() },
        Privacy = new { EpsilonBudget = 8, Delta = 1e-5 },
        ApprovedStudies = new Dictionary<string, object>
        {
            ["chest-ct"] = new { ArchitectureSha256 = "9ad4a5b11a27c15ea6a26a2527b46c7c47a02e61a8b31c0f561c9d15291480ff", MaxEpsilon = 8 },
        },
    };

    private static async Task<(int ExitCode, string Output)> CheckAsync(params string[] args)
    {
        using var output = new StringWriter();
        var exitCode = await EdgeCheck.RunAsync(args, output);
        return (exitCode, output.ToString());
    }

    [Fact]
    public async Task On_a_dicom_folder_it_counts_each_class_lists_skipped_files_writes_a_grid_and_gets_a_token()
    {
        var (exitCode, output) = await CheckAsync("--config", Config(WorkingConfig()));

        Assert.True(exitCode == CheckExitCodes.Ok, output);
        Assert.Contains("4 images in 2 classes, read at 28x28", output);
        Assert.Matches(@"CT\s+1\n", output.ReplaceLineEndings("\n"));
        Assert.Matches(@"MR\s+3\n", output.ReplaceLineEndings("\n"));
        Assert.Contains("skipped 2 file(s)", output);
        Assert.Contains("rtplan.dcm: the file has no Pixel Data", output);
        Assert.Contains("MR_truncated.dcm: malformed DICOM", output);
        Assert.Contains($"[ok] token: site {IdentityOnKestrel.SiteId} got a token from {identity.TokenEndpoint}", output);
        Assert.DoesNotContain(identity.SiteSecret, output);

        // Two rows (classes) of 8 cells of 28 px with 2 px gaps: 8*30+2 by 2*30+2.
        var grid = await File.ReadAllBytesAsync(Path.Combine(_root, "state", "check", "sample-grid.png"), TestContext.Current.CancellationToken);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], grid[..4]);
        Assert.Equal(242, BinaryPrimitives.ReadInt32BigEndian(grid.AsSpan(16)));
        Assert.Equal(62, BinaryPrimitives.ReadInt32BigEndian(grid.AsSpan(20)));
    }

    [Fact]
    public async Task A_broken_config_exits_2_naming_every_bad_key()
    {
        var config = Config(new
        {
            Gateway = "fedgan.example.org/api",
            SiteId = "Hospital A",
            StateDirectory = "relative/state",
            Data = new { Source = "dicom", Path = "/data" },
            Privacy = new { EpsilonBudget = -1 },
            ApprovedStudies = new Dictionary<string, object> { ["chest-ct"] = new { ArchitectureSha256 = "abc", MaxEpsilon = 0 } },
        });

        var (exitCode, output) = await CheckAsync("--config", config);

        Assert.Equal(CheckExitCodes.Config, exitCode);
        Assert.Contains("8 problem(s)", output);
        foreach (var key in new[]
                 {
                     "EdgeTrainer:Gateway", "EdgeTrainer:SiteId", "EdgeTrainer:ClientSecret / EdgeTrainer:ClientSecretFile", "EdgeTrainer:StateDirectory",
                     "EdgeTrainer:Data:Source", "EdgeTrainer:Privacy:EpsilonBudget", "EdgeTrainer:ApprovedStudies:chest-ct:ArchitectureSha256",
                     "EdgeTrainer:ApprovedStudies:chest-ct:MaxEpsilon",
                 })
        {
            Assert.Contains($"- {key}", output);
        }
    }

    [Fact]
    public async Task A_config_file_that_is_missing_or_not_json_exits_2()
    {
        var notJson = Path.Combine(_root, "edge.json");
        await File.WriteAllTextAsync(notJson, "{ \"EdgeTrainer\": { \"Gateway\": ", TestContext.Current.CancellationToken);

        var missing = await CheckAsync("--config", Path.Combine(_root, "absent.json"));
        var malformed = await CheckAsync("--config", notJson);

        Assert.Equal(CheckExitCodes.Config, missing.ExitCode);
        Assert.Contains("absent.json' (from --config or FEDGAN_EDGE_CONFIG) does not exist", missing.Output);
        Assert.Equal(CheckExitCodes.Config, malformed.ExitCode);
        Assert.Contains("is not valid JSON", malformed.Output);
    }

    [Fact]
    public async Task A_folder_without_readable_images_exits_3()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_root, "empty", "CT")).Parent!.FullName;
        var config = WorkingConfig();
        var json = JsonSerializer.SerializeToNode(config)!;
        json["Data"]!["Path"] = empty;

        var (exitCode, output) = await CheckAsync("--config", Config(json));

        Assert.Equal(CheckExitCodes.Data, exitCode);
        Assert.Contains("[FAIL] data: dicom-folder", output);
        Assert.Contains("no images loaded", output);
    }

    [Fact]
    public async Task An_unreachable_gateway_exits_4_with_the_reason()
    {
        var closedPort = FreePort.Next();
        var (exitCode, output) = await CheckAsync("--config",
            Config(WorkingConfig(gateway: $"http://127.0.0.1:{closedPort}", identityDirectly: false)));

        Assert.Equal(CheckExitCodes.Platform, exitCode);
        // The gateway alone decides where tokens come from.
        Assert.Contains($"[FAIL] token: no token from http://127.0.0.1:{closedPort}/identity/connect/token: Connection refused", output);
    }

    [Fact]
    public async Task A_wrong_client_secret_exits_4_with_identitys_refusal()
    {
        var (exitCode, output) = await CheckAsync("--config", Config(WorkingConfig(secret: new string('x', 48))));

        Assert.Equal(CheckExitCodes.Platform, exitCode);
        Assert.Contains($"Identity refused client '{IdentityOnKestrel.SiteId}' a token (401)", output);
    }
}
