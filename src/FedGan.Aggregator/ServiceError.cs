namespace FedGan.Aggregator;

/// <summary>A refusal with its HTTP status and stable code (FedGan.Contracts.ErrorCodes), ready to become a problem.</summary>
public sealed record ServiceError(int Status, string Code, string Detail);

/// <summary>What a request achieved: a value (newly created or already there) or a refusal.</summary>
public sealed record Outcome<T>(T? Value, bool Created, ServiceError? Error)
{
    public static Outcome<T> New(T value) => new(value, true, null);

    public static Outcome<T> Existing(T value) => new(value, false, null);

    public static Outcome<T> Refused(ServiceError error) => new(default, false, error);

    public static implicit operator Outcome<T>(ServiceError error) => Refused(error);
}
