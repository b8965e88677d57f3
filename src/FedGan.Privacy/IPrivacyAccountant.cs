namespace FedGan.Privacy;

/// <summary>
/// Turns a history of Poisson-subsampled Gaussian steps into an (epsilon, delta) guarantee under
/// add-or-remove-one-record adjacency. The epsilon reported is never smaller than the true one.
/// </summary>
public interface IPrivacyAccountant
{
    /// <summary>"rdp" or "pld".</summary>
    string Name { get; }

    PrivacySpent GetPrivacySpent(IReadOnlyList<GaussianMechanismSteps> history, double delta);
}
