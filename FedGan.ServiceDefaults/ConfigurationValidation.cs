using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Options bound from a configuration section and checked when the host starts, with failures that
/// name the full configuration key and its environment-variable spelling
/// (<c>ServiceCredential:ClientSecret (env ServiceCredential__ClientSecret) is required</c>), so an
/// operator reading a crash-looping pod's log knows which key a manifest lacks.
/// </summary>
public static class ConfigurationValidation
{
    public static OptionsBuilder<TOptions> BindConfigurationValidatedOnStart<TOptions>(this OptionsBuilder<TOptions> builder, string sectionName)
        where TOptions : class
    {
        builder.BindConfiguration(sectionName).ValidateOnStart();
        // Once per options type, however many callers bind it (each typed client adding a token handler does).
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>>(new SectionValidator<TOptions>(builder.Name, sectionName)));
        return builder;
    }

    /// <summary>The failures of <paramref name="options"/>'s data annotations, each naming its configuration key.</summary>
    public static IReadOnlyList<string> Validate(object options, string sectionName)
    {
        var failures = new List<string>();
        Collect(options, sectionName, options.GetType().Assembly, failures);
        return failures;
    }

    public static string EnvironmentName(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    private static void Collect(object options, string prefix, Assembly optionsAssembly, List<string> failures)
    {
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is null)
            {
                continue;
            }

            var key = $"{prefix}:{property.Name}";
            var value = property.GetValue(options);
            var context = new ValidationContext(options) { MemberName = property.Name, DisplayName = property.Name };
            foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>().OrderBy(a => a is RequiredAttribute ? 0 : 1))
            {
                if (attribute.GetValidationResult(value, context) is { } result && result != ValidationResult.Success)
                {
                    if (attribute is RequiredAttribute)
                    {
                        // A missing value says all there is to say: no length or range complaints about it.
                        failures.Add($"{key} (env {EnvironmentName(key)}) is required.");
                        break;
                    }

                    failures.Add($"{key} (env {EnvironmentName(key)}): {result.ErrorMessage}");
                }
            }

            // Nested sections of the same options model (e.g. a rate limit inside the gateway's section).
            if (value is not null and not string and not IEnumerable && property.PropertyType.IsClass
                && property.PropertyType.Assembly == optionsAssembly)
            {
                Collect(value, key, optionsAssembly, failures);
            }
        }
    }

    private sealed class SectionValidator<TOptions>(string? name, string sectionName) : IValidateOptions<TOptions> where TOptions : class
    {
        public ValidateOptionsResult Validate(string? optionsName, TOptions options)
        {
            if (name is not null && name != optionsName)
            {
                return ValidateOptionsResult.Skip;
            }

            var failures = ConfigurationValidation.Validate(options, sectionName);
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
