namespace FedGan.Aggregation;

/// <summary>
/// What an update must be to join a round: this model's tensors, an L2 norm within the round's
/// clip bound, and, when its metadata names a site, round or base version, this one's.
/// </summary>
public sealed record UpdateExpectations(ModelLayout Layout, double ClipNorm, string SiteId, int Round, int BaseVersion)
{
    /// <summary>Relative slack on the clip bound: a site that clipped in float32 lands a hair above it.</summary>
    public const double NormTolerance = 1e-6;

    public double MaxNorm => ClipNorm * (1 + NormTolerance);
}

/// <summary>What inspecting an accepted update found: its identity, size, weight and norm.</summary>
public sealed record InspectedUpdate(string Sha256, long SizeBytes, long NumSamples, double L2Norm);
