namespace FedGan.Aggregation;

/// <summary>
/// An update that cannot join a round, with the HTTP status and the stable error code
/// (<see cref="FedGan.Contracts.ErrorCodes"/>) a site's client switches on.
/// </summary>
public sealed class UpdateRefusedException(int status, string code, string detail, Exception? inner = null)
    : Exception(detail, inner)
{
    public int Status { get; } = status;

    public string Code { get; } = code;
}
