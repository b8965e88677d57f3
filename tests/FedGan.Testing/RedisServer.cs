using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FedGan.Testing;

/// <summary>
/// A real redis-server on a free loopback port with append-only persistence in its own folder, fsynced
/// before every reply (<c>appendfsync always</c>, as every deployment runs it: docs/reliability.md), so a
/// test can kill it, start it again on the same data and port, and see what survived.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

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

    /// <summary>
    /// Starts the process again (on the same data folder and port) if it is not running, and returns
    /// once it answers PING, i.e. once the append-only file is loaded.
    /// </summary>
    public async Task RestartAsync()
    {
        if (_process is { HasExited: false })
        {
            return;
        }

        // No RDB snapshots: with appendonly on, Redis loads only the append-only file on start, so what
        // survives a restart is exactly what the AOF holds.
        _process = LocalProcess.Start(LocalProcess.Find("redis-server"),
            ["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
             "--appendonly", "yes", "--appendfsync", "always", "--dir", _directory, "--save", ""]);
        await LocalProcess.WaitForPortAsync(Port, _process, StartTimeout);
        await WaitUntilLoadedAsync(_process);
    }

    /// <summary>
    /// Kills the server with SIGKILL (<see cref="Process.Kill(bool)"/> on Unix): no SHUTDOWN, no final
    /// write, fsync or save. What Redis had written to the AOF is still in the kernel's page cache.
    /// </summary>
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

    // Redis accepts connections while it replays the AOF but answers -LOADING until it is done.
    private async Task WaitUntilLoadedAsync(Process process)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        var reply = string.Empty;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {process.ExitCode} while loading {_directory}.");
            }

            reply = await PingAsync();
            if (reply == "+PONG")
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"redis-server on port {Port} did not answer PONG within {StartTimeout} (last reply: {reply}).");
    }

    private async Task<string> PingAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            using var reader = new StreamReader(stream, Encoding.ASCII);
            return await reader.ReadLineAsync(timeout.Token) ?? string.Empty;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return e.Message;
        }
    }
}
