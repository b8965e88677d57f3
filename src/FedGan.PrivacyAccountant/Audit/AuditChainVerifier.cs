namespace FedGan.PrivacyAccountant.Audit;

/// <summary>The outcome of checking a study's audit chain from its first link to its recorded head.</summary>
public sealed record AuditVerification(bool Intact, long Records, string HeadHash, long? FirstBrokenSeq, string? Problem);

public static class AuditChainVerifier
{
    /// <param name="records">The stored links in order.</param>
    /// <param name="head">The head the ledger recorded with its last write (seq and hash), if any.</param>
    public static AuditVerification Verify(IReadOnlyList<AuditRecord?> records, (long Seq, string Hash)? head)
    {
        var previous = AuditRecord.GenesisHash;
        for (var index = 0; index < records.Count; index++)
        {
            var expectedSeq = index + 1L;
            if (records[index] is not { } record)
            {
                return Broken(records.Count, expectedSeq, $"link {expectedSeq} is not readable.");
            }

            if (record.Seq != expectedSeq)
            {
                return Broken(records.Count, expectedSeq, $"link {expectedSeq} is missing or out of order (found seq {record.Seq}).");
            }

            if (record.PrevHash != previous)
            {
                return Broken(records.Count, expectedSeq, $"link {expectedSeq} does not follow link {expectedSeq - 1}.");
            }

            if (AuditRecord.ComputeHash(record.Seq, record.PrevHash, record.Payload) != record.Hash)
            {
                return Broken(records.Count, expectedSeq, $"link {expectedSeq} was altered after it was written.");
            }

            previous = record.Hash;
        }

        var lastSeq = (long)records.Count;
        if (head is { } recorded && (recorded.Seq != lastSeq || recorded.Hash != previous))
        {
            return Broken(records.Count, Math.Min(recorded.Seq, lastSeq + 1),
                $"the chain ends at link {lastSeq} but the ledger's head is link {recorded.Seq}: links were removed or replaced.");
        }

        if (head is null && records.Count > 0)
        {
            return Broken(records.Count, 1, "the ledger's head is missing.");
        }

        return new AuditVerification(true, records.Count, previous, null, null);
    }

    private static AuditVerification Broken(long count, long seq, string problem) =>
        new(false, count, string.Empty, seq, problem);
}
