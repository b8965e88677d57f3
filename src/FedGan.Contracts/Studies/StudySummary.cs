namespace FedGan.Contracts.Studies;

public enum StudyStatus
{
    /// <summary>Rounds are running.</summary>
    Active,

    /// <summary>Every planned round has finished.</summary>
    Completed,

    /// <summary>Fewer sites than the quorum can still be admitted within their privacy budgets.</summary>
    BudgetExhausted,
}

/// <summary>A study with where it stands.</summary>
public sealed record StudySummary(
    StudyDefinition Definition,
    StudyStatus Status,
    int CurrentRound,
    int LatestVersion,
    DateTimeOffset CreatedAt)
{
    /// <summary>What a hospital approves in its edge configuration (<see cref="ContractHash"/>).</summary>
    public string ArchitectureSha256 => ContractHash.Of(Definition.Architecture);

    /// <summary>The training settings' hash, for hospitals that approve those too.</summary>
    public string TrainingSha256 => ContractHash.Of(Definition.Training);
}
