using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Hosting;

namespace FedGan.ServiceDefaults.Tests;

public class TimeSpanRangeAttributeTests
{
    private sealed class Settings
    {
        [TimeSpanRange("00:00:05", "1.00:00:00")]
        public TimeSpan Interval { get; set; }
    }

    [Theory]
    [InlineData("00:00:05", true)]
    [InlineData("1.00:00:00", true)]
    [InlineData("00:10:00", true)]
    [InlineData("00:00:04.999", false)]
    [InlineData("1.00:00:00.001", false)]
    [InlineData("-00:00:10", false)]
    public void Bounds_are_inclusive_and_values_outside_are_refused_with_the_field_name(string interval, bool valid)
    {
        var settings = new Settings { Interval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) };
        var results = new List<ValidationResult>();

        Assert.Equal(valid, Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true));
        if (!valid)
            Assert.Equal("The field Interval must be between 00:00:05 and 1.00:00:00.", Assert.Single(results).ErrorMessage);
    }

    [Fact]
    public void Many_threads_validating_with_the_same_attribute_all_get_the_right_answer()
    {
        // One attribute instance, first used from many threads at once, as when several hosts in
        // one process validate the same options type on start.
        var range = new TimeSpanRangeAttribute("00:00:05", "00:01:00");
        var answers = new bool[20_000];

        Parallel.For(0, answers.Length, i => answers[i] = range.IsValid(TimeSpan.FromSeconds(i % 120)));

        Assert.All(Enumerable.Range(0, answers.Length), i => Assert.Equal(i % 120 is >= 5 and <= 60, answers[i]));
    }
}
