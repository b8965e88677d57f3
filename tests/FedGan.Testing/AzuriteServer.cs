using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;

namespace FedGan.Testing;

/// <summary>A real Azurite blob service (from build/prerequisites.sh) on a free port with a fresh account key.</summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    private const string Account = "fedgantest";
    private readonly string _directory;
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private Process? _process;

    private AzuriteServer(string directory, IPAddress host, int port)
    {
        _directory = directory;
        Host = host;
        Port = port;
    }

    /// <summary>The address it listens on (an IP: Azurite mishandles host names in the account URL).</summary>
    public IPAddress Host { get; }

    public int Port { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={_key};BlobEndpoint=http://{Host}:{Port}/{Account};";

    public static Task<AzuriteServer> StartAsync() => StartAsync(IPAddress.Loopback);

    /// <summary>Listens on <paramref name="host"/>, e.g. a container network's gateway so containers reach it.</summary>
    public static async Task<AzuriteServer> StartAsync(IPAddress host)
    {
        var server = new AzuriteServer(Directory.CreateTempSubdirectory("fedgan-azurite-").FullName, host, LocalProcess.FreePort());
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
            ["--blobHost", Host.ToString(), "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--location", _directory, "--skipApiVersionCheck", "--disableTelemetry", "--silent"],
            new Dictionary<string, string> { ["AZURITE_ACCOUNTS"] = $"{Account}:{_key}" });
        await LocalProcess.WaitForPortAsync(Host, Port, _process, TimeSpan.FromSeconds(60));
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
