using Tandem.Features.Accounts;

namespace Tandem.UnitTests.Accounts;

public sealed class DeviceSummaryTests
{
    [Theory]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36", "Chrome on Windows")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0", "Edge on Windows")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari on iPhone")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Linux")]
    [InlineData("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36", "Chrome on Android")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari on macOS")]
    [InlineData("curl/8.5.0", "curl")]
    [InlineData("<script>alert(1)</script>", "scriptalert1")]
    [InlineData("", "Unknown device")]
    [InlineData(null, "Unknown device")]
    public void A_user_agent_becomes_a_short_summary(string? userAgent, string expected) =>
        Assert.Equal(expected, DeviceSummary.Of(userAgent));

    [Fact]
    public void A_huge_user_agent_stays_within_the_column() =>
        Assert.True(DeviceSummary.Of(new string('x', 10_000)).Length <= SignInSession.DeviceMaxLength);

    [Theory]
    [InlineData("127.0.0.1", "This server's own computer")]
    [InlineData("::1", "This server's own computer")]
    [InlineData("192.168.1.20", "A private network (home, office or provider)")]
    [InlineData("10.4.0.9", "A private network (home, office or provider)")]
    [InlineData("::ffff:172.20.1.1", "A private network (home, office or provider)")]
    [InlineData("fd12:3456::1", "A private network (home, office or provider)")]
    [InlineData("203.0.113.7", "The internet")]
    [InlineData("2001:db8::1", "The internet")]
    [InlineData(null, "Unknown place")]
    [InlineData("nonsense", "Unknown place")]
    public void An_address_says_what_kind_of_place_it_is(string? address, string expected) =>
        Assert.Equal(expected, DeviceSummary.Place(address));

    [Fact]
    public void A_session_ends_once_and_keeps_its_first_reason()
    {
        var now = DateTimeOffset.UtcNow;
        var session = SignInSession.Start(Guid.NewGuid(), Guid.NewGuid(), SignInSessionKind.Browser, "Firefox on Linux", "127.0.0.1", now);
        session.End(SessionEndReasons.SignedOut, now.AddMinutes(1));
        session.End(SessionEndReasons.Deactivated, now.AddMinutes(2));
        Assert.Equal(SessionEndReasons.SignedOut, session.EndReason);
        Assert.Equal(now.AddMinutes(1), session.EndedAt);
    }
}
