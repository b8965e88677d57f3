using System.Diagnostics.CodeAnalysis;

namespace FedGan.Privacy;

/// <summary>
/// The accountants by the names studies, budgets and commands carry ("rdp", "pld"): the one place a
/// name becomes an accountant, so the platform's ledger, the edge's ledger and the CLI compose alike.
/// </summary>
public static class Accountants
{
    public const string Rdp = "rdp";

    public const string Pld = "pld";

    // Neither changes after construction, so one instance of each serves every caller and thread.
    private static readonly RdpAccountant RdpInstance = new();
    private static readonly PldAccountant PldInstance = new();

    public static IReadOnlyList<string> Names { get; } = [Rdp, Pld];

    public static bool IsKnown([NotNullWhen(true)] string? name) => name is Rdp or Pld;

    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static IPrivacyAccountant ByName(string name) => name switch
    {
        Rdp => RdpInstance,
        Pld => PldInstance,
        _ => throw new ArgumentException($"Unknown accountant '{name}': use {string.Join(" or ", Names)}.", nameof(name)),
    };
}
