using System.Globalization;

namespace FedGan.PrivacyAccountant.Audit;

/// <summary>The last link of a study's chain as the ledger records it beside the chain: "seq:hash".</summary>
public static class AuditHead
{
    public static string Format(AuditRecord record) => $"{record.Seq}:{record.Hash}";

    public static (long Seq, string Hash)? Parse(string? head)
    {
        if (head is null)
        {
            return null;
        }

        var separator = head.IndexOf(':', StringComparison.Ordinal);
        return separator > 0 && long.TryParse(head[..separator], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            ? (seq, head[(separator + 1)..])
            : (-1, head);
    }
}
