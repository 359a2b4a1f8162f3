using Tandem.Features.Accounts;
using Tandem.Infrastructure.Errors;

namespace Tandem.UnitTests.Accounts;

public sealed class TandemUserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static TandemUser NewUser() =>
        TandemUser.Create(Guid.NewGuid(), "sam@riverside.test", "Sam Okafor", PersonRole.Client, "Europe/London", Now);

    [Fact]
    public void A_new_account_is_active_confirmed_and_lockable()
    {
        var user = NewUser();
        Assert.True(user.IsActive);
        Assert.True(user.EmailConfirmed);
        Assert.True(user.LockoutEnabled);
        Assert.Equal("sam@riverside.test", user.UserName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_name_is_required(string name)
    {
        var user = NewUser();
        Assert.Throws<DomainException>(() => user.UpdateProfile(name, null, "UTC"));
    }

    [Fact]
    public void Names_longer_than_80_characters_are_refused()
    {
        var user = NewUser();
        Assert.Throws<DomainException>(() => user.UpdateProfile(new string('a', 81), null, "UTC"));
        user.UpdateProfile(new string('a', 80), null, "UTC");
        Assert.Equal(80, user.DisplayName.Length);
    }

    [Fact]
    public void Unknown_time_zones_are_refused_and_known_ones_kept()
    {
        var user = NewUser();
        Assert.Throws<DomainException>(() => user.UpdateProfile("Sam", null, "Mars/Olympus_Mons"));
        user.UpdateProfile("Sam", " he/him ", "America/New_York");
        Assert.Equal("America/New_York", user.TimeZone);
        Assert.Equal("he/him", user.Pronouns);
    }

    [Fact]
    public void Blank_pronouns_are_stored_as_none()
    {
        var user = NewUser();
        user.UpdateProfile("Sam", "  ", "UTC");
        Assert.Null(user.Pronouns);
    }

    [Fact]
    public void Nobody_deactivates_their_own_account()
    {
        var user = NewUser();
        var ex = Assert.Throws<DomainException>(() => user.Deactivate(user.Id, Now));
        Assert.Equal(DomainError.Conflict, ex.Kind);
        Assert.True(user.IsActive);
    }

    [Fact]
    public void Deactivation_records_when_and_reactivation_clears_it()
    {
        var user = NewUser();
        user.Deactivate(Guid.NewGuid(), Now);
        Assert.False(user.IsActive);
        Assert.Equal(Now, user.DeactivatedAt);
        user.Reactivate();
        Assert.True(user.IsActive);
        Assert.Null(user.DeactivatedAt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-at-sign")]
    public void Invalid_emails_are_refused(string email)
    {
        Assert.Throws<DomainException>(() => TandemUser.Create(Guid.NewGuid(), email, "X", PersonRole.Client, "UTC", Now));
    }
}
