using Microsoft.Extensions.Configuration.Json;

namespace FedGan.EdgeTrainer.Extensions;

/// <summary>
/// The hospital's one config file (<c>--config FILE</c> or <c>FEDGAN_EDGE_CONFIG</c>), ordinary .NET
/// configuration placed before environment variables and the command line, so those still override it
/// (e.g. <c>EdgeTrainer__SiteId</c> from a Kubernetes Secret).
/// </summary>
public static class EdgeConfiguration
{
    public const string EnvironmentVariable = "FEDGAN_EDGE_CONFIG";

    /// <returns>The config file's full path, or null when none was named.</returns>
    /// <exception cref="EdgeConfigurationException">The named file does not exist.</exception>
    public static string? AddEdgeConfigFile(this IConfigurationManager configuration, IReadOnlyList<string> args)
    {
        var path = ConfigPath(args) ?? Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new EdgeConfigurationException($"The config file '{fullPath}' (from --config or {EnvironmentVariable}) does not exist.");
        }

        var source = new JsonConfigurationSource { Path = fullPath, Optional = false, ReloadOnChange = false };
        source.ResolveFileProvider();
        var sources = configuration.Sources;
        try
        {
            Insert(sources, source);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or System.Text.Json.JsonException)
        {
            throw new EdgeConfigurationException($"The config file '{fullPath}' is not valid JSON: {e.GetBaseException().Message}", e);
        }

        return fullPath;
    }

    // Right after the last file source (appsettings.json and friends), so the hospital's file overrides
    // the defaults and environment variables and the command line, added after the files, override it.
    // The configuration manager loads a source as it is added, so a malformed file throws here.
    private static void Insert(IList<IConfigurationSource> sources, JsonConfigurationSource source)
    {
        var lastFile = -1;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is FileConfigurationSource)
            {
                lastFile = i;
            }
        }

        sources.Insert(lastFile + 1, source);
    }

    /// <summary>The value of <c>--config FILE</c> or <c>--config=FILE</c>.</summary>
    public static string? ConfigPath(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--config")
            {
                return i + 1 < args.Count ? args[i + 1] : throw new EdgeConfigurationException("--config needs a file path.");
            }

            if (args[i].StartsWith("--config=", StringComparison.Ordinal))
            {
                return args[i]["--config=".Length..];
            }
        }

        return null;
    }
}

/// <summary>The edge configuration cannot be used; the message says which key or file and why.</summary>
public sealed class EdgeConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
