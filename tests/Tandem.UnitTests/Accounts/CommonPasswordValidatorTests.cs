using Tandem.Infrastructure.Security;

namespace Tandem.UnitTests.Accounts;

public sealed class CommonPasswordValidatorTests
{
    [Fact]
    public void The_shipped_list_holds_at_least_1000_passwords()
    {
        Assert.True(CommonPasswordValidator.Count >= 1000, $"only {CommonPasswordValidator.Count}");
    }

    [Theory]
    [InlineData("password")]
    [InlineData("123456")]
    [InlineData("qwerty")]
    [InlineData("PASSWORD")]
    [InlineData("1qaz2wsx3edc")]
    [InlineData(" letmein ")]
    public void Common_passwords_are_recognised_whatever_their_case(string password)
    {
        Assert.True(CommonPasswordValidator.IsCommon(password));
    }

    [Theory]
    [InlineData("lantern orchard velvet tide")]
    [InlineData("Tandem-demo-2026!")]
    public void Uncommon_passphrases_pass(string password)
    {
        Assert.False(CommonPasswordValidator.IsCommon(password));
    }
}
