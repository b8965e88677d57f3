using System.Diagnostics;
using System.Security.Cryptography;

namespace FedGan.Testing;

/// <summary>A real Azurite blob service (from build/prerequisites.sh) on a free port with a fresh account key.</summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    private const string Account = "fedgantest";
    private readonly string _directory;
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private Process? _process;

    private AzuriteServer(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={_key};BlobEndpoint=http://127.0.0.1:{Port}/{Account};";

    public static async Task<AzuriteServer> StartAsync()
    {
        var server = new AzuriteServer(Directory.CreateTempSubdirectory("fedgan-azurite-").FullName, LocalProcess.FreePort());
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts the process again (on the same data) if it is not running.</summary>
    public async Task RestartAsync()
    {
        if (_process is { HasExited: false })
        {
            return;
        }

        _process = LocalProcess.Start(
            LocalProcess.Find("azurite-blob", ".fedgan/tools/node_modules/.bin/azurite-blob"),
            ["--blobHost", "127.0.0.1", "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--location", _directory, "--skipApiVersionCheck", "--disableTelemetry", "--silent"],
            new Dictionary<string, string> { ["AZURITE_ACCOUNTS"] = $"{Account}:{_key}" });
        await LocalProcess.WaitForPortAsync(Port, _process, TimeSpan.FromSeconds(60));
    }

    public async Task KillAsync()
    {
        if (_process is not null)
        {
            await LocalProcess.StopAsync(_process);
            _process = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS's temporary-file cleanup.
        }
    }
}
