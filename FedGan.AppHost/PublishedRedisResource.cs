namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Redis as the cloud deployment runs it: a container behind a generated password whose connection
/// string is all a service is given, so the published manifest holds nothing but container, parameter
/// and value resources (no derived strings a deployment tool may not know).
/// </summary>
public sealed class PublishedRedisResource(string name, ParameterResource password) : ContainerResource(name), IResourceWithConnectionString
{
    internal const string EndpointName = "tcp";

    private EndpointReference? _endpoint;

    public EndpointReference PrimaryEndpoint => _endpoint ??= new(this, EndpointName);

    public ParameterResource Password { get; } = password;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)},password={Password}");
}
