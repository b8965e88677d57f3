namespace FedGan.Aggregation;

/// <summary>
/// An input of the aggregation is not what it was recorded to be (a staged update or the base
/// weights whose bytes no longer match their hash, a file that is not this model's): nothing is
/// published. <see cref="Code"/> is the stable error code.
/// </summary>
public sealed class AggregationInputException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}
