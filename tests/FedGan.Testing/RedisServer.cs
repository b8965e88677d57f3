using System.Diagnostics;

namespace FedGan.Testing;

/// <summary>
/// A real redis-server on a free loopback port with append-only persistence in its own folder, so a
/// test can stop it, start it again on the same data, and see what survived.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory;
    private Process? _process;

    private RedisServer(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    // Generous timeouts: tests run beside builds on small CI machines, and Redis fsyncs every write.
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,syncTimeout=20000,asyncTimeout=20000";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(Directory.CreateTempSubdirectory("fedgan-redis-").FullName, LocalProcess.FreePort());
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

        _process = LocalProcess.Start(LocalProcess.Find("redis-server"),
            ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
             "--appendonly", "yes", "--appendfsync", "always", "--dir", _directory, "--save", ""]);
        await LocalProcess.WaitForPortAsync(Port, _process, TimeSpan.FromSeconds(20));
    }

    /// <summary>Kills the server abruptly (no SHUTDOWN save): only what was fsynced survives.</summary>
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
