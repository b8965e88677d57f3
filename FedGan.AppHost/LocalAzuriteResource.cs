namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A real Azurite blob emulator process. Its account key is a generated secret parameter, so no
/// storage key (not even the emulator's well-known one) is written into the repository.
/// </summary>
/// <remarks>
/// The endpoint is addressed as 127.0.0.1, never "localhost": with "localhost" in the URL Azurite
/// 3.35 answers block staging (StageBlock) with ContainerNotFound for containers that exist.
/// </remarks>
public sealed class LocalAzuriteResource(string name, string command, string workingDirectory, ParameterResource accountKey)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    internal const string EndpointName = "blob";
    internal const string AccountName = "fedgan";

    private EndpointReference? _endpoint;

    public EndpointReference BlobEndpoint => _endpoint ??= new(this, EndpointName);

    public ParameterResource AccountKey { get; } = accountKey;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{BlobEndpoint.Property(EndpointProperty.Port)}/{AccountName};");
}
