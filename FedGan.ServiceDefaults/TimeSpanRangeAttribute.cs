using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// An inclusive range check for a <see cref="TimeSpan"/> option, bounds written as "c" strings
/// ("00:00:05", "1.00:00:00"). Replaces <c>[Range(typeof(TimeSpan), ...)]</c>, whose first use
/// converts its bounds lazily without a lock: two hosts validating the same options type at once
/// (test hosts in one process) could see half-converted bounds and fail with an
/// InvalidCastException (dotnet/runtime#1143). These bounds are parsed once, in the constructor.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class TimeSpanRangeAttribute(string minimum, string maximum)
    : ValidationAttribute("The field {0} must be between {1} and {2}.")
{
    public TimeSpan Minimum { get; } = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);

    public TimeSpan Maximum { get; } = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);

    /// <summary>Null is valid, as for <see cref="RangeAttribute"/>: [Required] says whether a value must be there.</summary>
    public override bool IsValid(object? value) =>
        value is null || value is TimeSpan span && span >= Minimum && span <= Maximum;

    public override string FormatErrorMessage(string name) =>
        string.Format(CultureInfo.CurrentCulture, ErrorMessageString, name, Minimum, Maximum);
}
