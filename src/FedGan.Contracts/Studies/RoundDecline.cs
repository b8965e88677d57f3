namespace FedGan.Contracts.Studies;

/// <summary>
/// A site's refusal to take part in one round, with why (<see cref="RoundDeclineReasons"/>). The round
/// shows the site as declined, not failed, stops offering it the task and returns its reservation.
/// </summary>
public sealed record RoundDecline(string Reason, string? Detail = null);

/// <summary>The reasons an edge trainer gives for declining a round (stable codes, snake_case).</summary>
public static class RoundDeclineReasons
{
    /// <summary>The hospital has not approved this study in its edge configuration.</summary>
    public const string NotApproved = "not_approved";

    /// <summary>The study's model architecture is not the one the hospital approved (hash differs).</summary>
    public const string ArchitectureNotApproved = "architecture_not_approved";

    /// <summary>The study's training settings are not the ones the hospital approved (hash differs).</summary>
    public const string TrainingNotApproved = "training_not_approved";

    /// <summary>The study's privacy terms (epsilon budget, delta) exceed what the hospital approved.</summary>
    public const string BudgetExceeded = "budget_exceeded";

    /// <summary>The round would take the site past its own local privacy budget.</summary>
    public const string LocalBudgetExhausted = "local_budget_exhausted";

    public const int MaxDetailLength = 500;

    public static readonly IReadOnlyList<string> All =
        [NotApproved, ArchitectureNotApproved, TrainingNotApproved, BudgetExceeded, LocalBudgetExhausted];

    public static bool IsKnown(string? reason) => reason is not null && All.Contains(reason);
}
