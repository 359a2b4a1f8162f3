using System.Net;
using Microsoft.EntityFrameworkCore;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Foundation;

public sealed class SetupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task First_run_leads_to_setup_which_creates_the_practice_and_admin_then_disappears()
    {
        await using var app = await TandemApp.StartAsync(seeded: false);
        using var client = app.CreateAnonymousClient();

        using var home = await client.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/setup", home.Headers.Location!.OriginalString);

        using var created = await PageForms.SubmitAsync(client, "/setup", "setup", new Dictionary<string, string>
        {
            ["Input.PracticeName"] = "Willow Counselling",
            ["Input.TimeZone"] = "Europe/Dublin",
            ["Input.AdminName"] = "Ada Byrne",
            ["Input.AdminEmail"] = "ada@willow.test",
            ["Input.AdminPassword"] = "quiet meadow lantern 42",
        });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);

        using var me = await client.GetAsync("/api/me", Ct);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Contains("PracticeAdmin", await me.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        using var again = await client.GetAsync("/setup", Ct);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        await app.WithDbAsync(async db => Assert.Equal(1, await db.Practices.CountAsync(Ct)));
    }

    [Fact]
    public async Task Setup_refuses_a_common_password_and_creates_nothing()
    {
        await using var app = await TandemApp.StartAsync(seeded: false);
        using var client = app.CreateAnonymousClient();
        using var response = await PageForms.SubmitAsync(client, "/setup", "setup", new Dictionary<string, string>
        {
            ["Input.PracticeName"] = "Willow",
            ["Input.TimeZone"] = "Europe/Dublin",
            ["Input.AdminName"] = "Ada",
            ["Input.AdminEmail"] = "ada@willow.test",
            ["Input.AdminPassword"] = "1qaz2wsx3edc",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("most common", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        await app.WithDbAsync(async db =>
        {
            Assert.Equal(0, await db.Practices.CountAsync(Ct));
            Assert.Equal(0, await db.Users.CountAsync(Ct));
        });
    }

    [Fact]
    public async Task With_demo_data_setup_is_not_found()
    {
        await using var app = await TandemApp.StartAsync();
        using var client = app.CreateAnonymousClient();
        using var response = await client.GetAsync("/setup", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
