using System.Security.Cryptography;
using System.Text;

namespace FedGan.PrivacyAccountant.Audit;

/// <summary>
/// One link of a study's hash chain: the event's JSON exactly as stored, its position, the hash of
/// the link before it, and its own hash over all three. Changing, removing or reordering any link
/// breaks every hash after it.
/// </summary>
public sealed record AuditRecord(long Seq, string PrevHash, string Hash, string Payload)
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    public static AuditRecord Link(long seq, string prevHash, string payload) =>
        new(seq, prevHash, ComputeHash(seq, prevHash, payload), payload);

    public static string ComputeHash(long seq, string prevHash, string payload) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{seq}\n{prevHash}\n{payload}")));
}
