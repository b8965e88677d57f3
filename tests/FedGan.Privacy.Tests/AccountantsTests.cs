namespace FedGan.Privacy.Tests;

public sealed class AccountantsTests
{
    [Theory]
    [InlineData("rdp", typeof(RdpAccountant))]
    [InlineData("pld", typeof(PldAccountant))]
    public void A_name_studies_and_budgets_carry_gives_that_accountant(string name, Type expected)
    {
        var accountant = Accountants.ByName(name);

        Assert.IsType(expected, accountant);
        Assert.Equal(name, accountant.Name);
        Assert.True(Accountants.IsKnown(name));
        Assert.Contains(name, Accountants.Names);
    }

    [Theory]
    [InlineData("RDP")]
    [InlineData("prv")]
    [InlineData("")]
    public void Any_other_name_is_unknown_and_refused_with_the_names_that_work(string name)
    {
        Assert.False(Accountants.IsKnown(name));
        var error = Assert.Throws<ArgumentException>(() => Accountants.ByName(name));
        Assert.Contains($"'{name}'", error.Message);
        Assert.Contains("rdp or pld", error.Message);
    }
}
