namespace FedGan.PrivacyAccountant.Ledger;

/// <summary>Why the ledger refused a change; the API turns it into a problem-details response.</summary>
public sealed record LedgerError(int Status, string Code, string Detail, IReadOnlyDictionary<string, object?>? Facts = null);

/// <summary>The result of a ledger change: the value, whether it was new, or the reason it was refused.</summary>
public sealed record LedgerOutcome<T>(T? Value, bool Created, LedgerError? Error)
{
    public static LedgerOutcome<T> New(T value) => new(value, true, null);

    public static LedgerOutcome<T> Existing(T value) => new(value, false, null);

    public static LedgerOutcome<T> Refused(LedgerError error) => new(default, false, error);
}
