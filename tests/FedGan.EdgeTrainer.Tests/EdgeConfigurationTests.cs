using FedGan.EdgeTrainer.Extensions;
using Microsoft.Extensions.Configuration;

namespace FedGan.EdgeTrainer.Tests;

public sealed class EdgeConfigurationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("fedgan-edge-config-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void The_config_file_overrides_the_apps_defaults_and_environment_variables_and_the_command_line_override_it()
    {
        var defaults = Path.Combine(_root, "appsettings.json");
        File.WriteAllText(defaults, """{ "EdgeTrainer": { "TorchThreads": 1, "PollWaitSeconds": 5, "CheckpointEvery": 3, "SiteId": "from-defaults" } }""");
        var edge = Path.Combine(_root, "edge.json");
        File.WriteAllText(edge, """{ "EdgeTrainer": { "TorchThreads": 4, "PollWaitSeconds": 10, "CheckpointEvery": 7, "SiteId": "from-file" } }""");
        // A prefix of this test's own, so no other test sees the variable.
        var prefix = "FEDGAN_TEST_" + Guid.NewGuid().ToString("N")[..8] + "_";
        Environment.SetEnvironmentVariable(prefix + "EdgeTrainer__PollWaitSeconds", "15");
        try
        {
            var configuration = new ConfigurationManager();
            configuration.AddJsonFile(defaults);
            configuration.AddEnvironmentVariables(prefix);
            string[] args = ["--config", edge, "--EdgeTrainer:CheckpointEvery=9"];
            configuration.AddCommandLine(args);

            Assert.Equal(edge, configuration.AddEdgeConfigFile(args));

            Assert.Equal("from-file", configuration["EdgeTrainer:SiteId"]);
            Assert.Equal("4", configuration["EdgeTrainer:TorchThreads"]);
            Assert.Equal("15", configuration["EdgeTrainer:PollWaitSeconds"]);
            Assert.Equal("9", configuration["EdgeTrainer:CheckpointEvery"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "EdgeTrainer__PollWaitSeconds", null);
        }
    }

    [Fact]
    public void The_token_endpoint_follows_the_gateway_unless_it_is_set()
    {
        Assert.Equal("https://fedgan.example.org/identity/connect/token",
            new EdgeTrainerOptions { Gateway = "https://fedgan.example.org/" }.EffectiveTokenEndpoint);
        Assert.Equal("https://login.example.org/token",
            new EdgeTrainerOptions { Gateway = "https://fedgan.example.org", TokenEndpoint = "https://login.example.org/token" }.EffectiveTokenEndpoint);
    }

    [Fact]
    public void A_secret_file_is_read_without_its_trailing_newline_and_setting_both_secrets_is_refused()
    {
        var file = Path.Combine(_root, "client-secret");
        File.WriteAllText(file, "s3cret\n");
        var options = new EdgeTrainerOptions { ClientSecretFile = file };

        Assert.Equal("s3cret", options.ReadClientSecret());
        options.ClientSecret = "other";
        Assert.Contains(EdgeTrainerOptionsValidator.Problems(options),
            p => p.StartsWith("EdgeTrainer:ClientSecret / EdgeTrainer:ClientSecretFile: set exactly one", StringComparison.Ordinal) && p.EndsWith("not both.", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_reader_is_told_what_kind_of_path_it_needs_and_a_bad_proxy_is_named()
    {
        static IEnumerable<string> ProblemsOf(string source, string path, string? proxy = null) =>
            EdgeTrainerOptionsValidator.Problems(new EdgeTrainerOptions { Data = { Source = source, Path = path }, Proxy = proxy });

        Assert.Contains(ProblemsOf("dicom-manifest", _root), p => p.Contains("EdgeTrainer:Data:Path", StringComparison.Ordinal) && p.Contains("no such file", StringComparison.Ordinal));
        Assert.Contains(ProblemsOf("npz", Path.Combine(_root, "absent.npz")), p => p.Contains(".npz archive", StringComparison.Ordinal));
        Assert.DoesNotContain(ProblemsOf("image-folder", _root), p => p.StartsWith("EdgeTrainer:Data", StringComparison.Ordinal));
        Assert.Contains(ProblemsOf("image-folder", _root, proxy: "proxy:3128"), p => p.StartsWith("EdgeTrainer:Proxy is 'proxy:3128'", StringComparison.Ordinal));
    }
}
