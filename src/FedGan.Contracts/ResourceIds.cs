using System.Text.RegularExpressions;

namespace FedGan.Contracts;

/// <summary>
/// The shape of study and site identifiers: lower-case letters, digits, '-', '_' and '.', 1 to 64
/// characters, starting with a letter or digit. They appear in URLs, Redis keys and blob names.
/// </summary>
public static partial class ResourceIds
{
    public const string Description = "1-64 characters: lower-case letters, digits, '-', '_' or '.', starting with a letter or digit";

    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
