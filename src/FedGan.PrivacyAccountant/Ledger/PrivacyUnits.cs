namespace FedGan.PrivacyAccountant.Ledger;

/// <summary>What one "neighbouring dataset" differs by: one image (record) or all of one patient's.</summary>
public static class PrivacyUnits
{
    public const string Record = "record";
    public const string Patient = "patient";

    public static bool IsKnown(string? unit) => unit is Record or Patient;
}
