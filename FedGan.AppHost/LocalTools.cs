namespace Aspire.Hosting;

/// <summary>Finds the local executables and data folders the local infrastructure runs on.</summary>
internal static class LocalTools
{
    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string? FindOnPath(string executable)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, executable))
            .FirstOrDefault(File.Exists);
    }

    public static string? FindInRepository(IDistributedApplicationBuilder builder, string relativePath)
    {
        var candidate = Path.GetFullPath(Path.Combine(RepositoryRoot(builder), relativePath));
        return File.Exists(candidate) ? candidate : null;
    }

    /// <summary>
    /// The folder a store keeps its files in: <c>Infrastructure:DataDirectory</c> (tests point it at a
    /// temporary folder) or <c>.fedgan/data</c> in the repository.
    /// </summary>
    public static string DataDirectory(IDistributedApplicationBuilder builder, string resourceName)
    {
        var root = builder.Configuration["Infrastructure:DataDirectory"]
            ?? Path.Combine(RepositoryRoot(builder), ".fedgan", "data");
        var directory = Path.GetFullPath(Path.Combine(root, resourceName));
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static string RepositoryRoot(IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
}
