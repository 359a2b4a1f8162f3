using System.Net;
using System.Net.Http.Json;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Messages;

/// <summary>Practice settings (expected reply, crisis information), notification choices and the conversation page's access.</summary>
public sealed class SettingsPagesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_admin_sets_the_expected_reply_and_crisis_information_and_clients_see_them_beside_messages()
    {
        await using var app = await TandemApp.StartAsync();
        using var admin = app.CreateAnonymousClient();
        await PageForms.SignInAsync(admin, "admin@riverside.test");
        using var saved = await PageForms.SubmitAsync(admin, "/practice/settings", "practice-settings", new Dictionary<string, string>
        {
            // The whole form, as a browser posts it (the page now holds the practice's name, zone and reminder timing too).
            ["Input.Name"] = "Riverside",
            ["Input.TimeZone"] = "Europe/London",
            ["Input.ReminderHoursBefore"] = "24",
            ["Input.ExpectedReply"] = "by the end of the next working day",
            ["Input.CrisisInformation"] = "Call **Riverside Crisis Line 0800 000 111**, open all night.",
        });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("Saved.", await saved.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");
        var page = await sam.GetJsonAsync($"/api/engagements/{sams}/messages");
        Assert.Equal("by the end of the next working day", page.Str("expectedReply"));
        Assert.Contains("0800 000 111", page.Str("crisisInformation"), StringComparison.Ordinal);

        // Harbor is another practice: its clients still see the defaults.
        var kims = await Demo.EngagementOfAsync(app, "kim@harbor.test", "grief");
        using var kim = await app.ClientForAsync("kim@harbor.test");
        Assert.Equal("within 2 working days", (await kim.GetJsonAsync($"/api/engagements/{kims}/messages")).Str("expectedReply"));
    }

    [Fact]
    public async Task Only_the_admin_changes_practice_settings_and_bad_values_change_nothing()
    {
        await using var app = await TandemApp.StartAsync();
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var refused = await alex.PutAsJsonAsync("/api/practice/settings", new { expectedReply = "never", crisisInformation = "none" }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, await alex.StatusOfGetAsync("/practice/settings"));

        using var admin = await app.ClientForAsync("admin@riverside.test");
        using var bad = await admin.PutAsJsonAsync("/api/practice/settings", new { expectedReply = "", crisisInformation = new string('x', 2001) }, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var current = await admin.GetJsonAsync("/api/practice/settings");
        Assert.Equal("within 2 working days", current.Str("expectedReply"));
        Assert.Equal("Riverside", current.Str("practiceName"));
    }

    [Fact]
    public async Task Notification_choices_are_saved_from_the_account_page()
    {
        await using var app = await TandemApp.StartAsync();
        using var browser = app.CreateAnonymousClient();
        await PageForms.SignInAsync(browser, "sam@riverside.test");
        using var page = await browser.GetAsync("/Account/Manage/Notifications", Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("never say what was written", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        // Unchecked boxes are simply absent from the form, as in a browser.
        using var saved = await PageForms.SubmitAsync(browser, "/Account/Manage/Notifications", "notifications", new Dictionary<string, string>
        {
            ["Input.ProposalsWaiting"] = "true",
            ["Input.SessionReminders"] = "true",
        });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var prefs = await browser.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/me/notifications", Ct);
        Assert.False(prefs.GetProperty("newMessages").GetBoolean());
        Assert.False(prefs.GetProperty("measuresDue").GetBoolean());
        Assert.True(prefs.GetProperty("proposalsWaiting").GetBoolean());
        Assert.True(prefs.GetProperty("sessionReminders").GetBoolean());
    }

    [Fact]
    public async Task The_conversation_page_is_404_for_everyone_outside_the_thread()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        var couple = await Demo.CouplesEngagementAsync(app);
        using var rileyApi = await app.ClientForAsync("riley@riverside.test");
        var riley = (await rileyApi.GetJsonAsync("/api/me")).Id();

        foreach (var (email, path) in new[]
        {
            ("jordan@riverside.test", $"/engagements/{sams}/messages"),
            ("admin@riverside.test", $"/engagements/{sams}/messages"),
            ("kim@harbor.test", $"/engagements/{sams}/messages"),
            ("avery@riverside.test", $"/engagements/{couple}/messages?withClient={riley}"),
        })
        {
            using var browser = app.CreateAnonymousClient();
            await PageForms.SignInAsync(browser, email);
            using var response = await browser.GetAsync(path, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{email} {path}: {(int)response.StatusCode}");
            Assert.DoesNotContain("Finding my footing", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using var sam = app.CreateAnonymousClient();
        await PageForms.SignInAsync(sam, "sam@riverside.test");
        using var own = await sam.GetAsync($"/engagements/{sams}/messages", Ct);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var html = await own.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Messages are not for emergencies.", html, StringComparison.Ordinal);
        Assert.Contains("morning walk", html, StringComparison.Ordinal);
    }
}
