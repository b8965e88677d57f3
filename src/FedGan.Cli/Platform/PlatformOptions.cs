using System.CommandLine;

namespace FedGan.Cli.Platform;

/// <summary>
/// Where the platform is and who is calling: options, or the environment variables FEDGAN_GATEWAY,
/// FEDGAN_CLIENT_ID and FEDGAN_CLIENT_SECRET (preferred for the secret: options show in process lists).
/// </summary>
public sealed class PlatformOptions
{
    public const string GatewayVariable = "FEDGAN_GATEWAY";
    public const string ClientIdVariable = "FEDGAN_CLIENT_ID";
    public const string ClientSecretVariable = "FEDGAN_CLIENT_SECRET";

    private readonly Option<string?> _gateway = new("--gateway") { Description = $"The gateway's base URL (default: ${GatewayVariable})." };
    private readonly Option<string?> _clientId = new("--client-id") { Description = $"Client id (default: ${ClientIdVariable})." };
    private readonly Option<string?> _clientSecret = new("--client-secret") { Description = $"Client secret (default: ${ClientSecretVariable}; prefer the variable)." };

    /// <summary>Adds the connection options to a command that talks to the platform.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_gateway);
        command.Options.Add(_clientId);
        command.Options.Add(_clientSecret);
    }

    /// <summary>A connection from the parsed options, falling back to the environment; missing values are usage errors.</summary>
    public PlatformConnection Connect(ParseResult parsed)
    {
        var gateway = Required(parsed.GetValue(_gateway), GatewayVariable, "--gateway");
        // A trailing slash keeps a path prefix (https://host/fedgan) when relative paths are resolved.
        if (!Uri.TryCreate(gateway.TrimEnd('/') + "/", UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            throw new CliUsageException($"the gateway '{gateway}' is not an http(s) URL.");
        }

        return new PlatformConnection(address,
            Required(parsed.GetValue(_clientId), ClientIdVariable, "--client-id"),
            Required(parsed.GetValue(_clientSecret), ClientSecretVariable, "--client-secret"));
    }

    private static string Required(string? option, string variable, string name) =>
        !string.IsNullOrWhiteSpace(option) ? option
        : Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value
        : throw new CliUsageException($"{name} is required (or set {variable}).");
}
