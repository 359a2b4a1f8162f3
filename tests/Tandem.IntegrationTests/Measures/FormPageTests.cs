using System.Net;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Audit;
using Tandem.Features.Measures;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Measures;

/// <summary>The server-rendered questionnaire, driven like a browser without script.</summary>
public sealed class FormPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_form_page_names_missing_answers_then_saves_and_shows_crisis_information_at_once()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var client = app.CreateAnonymousClient();
        using (await PageForms.SignInAsync(client, "sam@riverside.test"))
        {
        }

        var path = $"/engagements/{sams}/measures/phq-9";
        var fields = MeasureRequests.Phq9Items.Skip(1).ToDictionary(l => "a:" + l, l => l == "44260-8" ? "2" : "0");
        fields["move"] = "finish";
        fields["submission"] = Guid.NewGuid().ToString("N");
        using (var incomplete = await PageForms.SubmitAsync(client, path, "measure", fields))
        {
            var html = await incomplete.Content.ReadAsStringAsync(Ct);
            Assert.Equal(HttpStatusCode.OK, incomplete.StatusCode);
            Assert.Contains("Some questions still need an answer", html, StringComparison.Ordinal);
            Assert.Contains("aria-invalid=\"true\"", html, StringComparison.Ordinal);
        }

        await app.WithDbAsync(async db => Assert.False(await db.Set<MeasureResponse>().AnyAsync(r => r.SubmittedAt > app.Clock.GetUtcNow().AddMinutes(-1), Ct)));

        fields["a:44250-9"] = "0";
        using var saved = await PageForms.SubmitAsync(client, path, "measure", fields);
        var page = await saved.Content.ReadAsStringAsync(Ct);
        Assert.Contains("You are not alone with this", page, StringComparison.Ordinal);
        Assert.Contains("Samaritans", page, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", page, StringComparison.Ordinal);

        // The same form sent again (a refresh) is a replay, not a second response.
        using var again = await PageForms.SubmitAsync(client, path, "measure", fields);
        await app.WithDbAsync(async db =>
        {
            Assert.Equal(1, await db.Set<MeasureResponse>().CountAsync(r => r.SubmittedAt > app.Clock.GetUtcNow().AddMinutes(-1), Ct));
            Assert.True(await db.AuditEntries.AnyAsync(e => e.ObjectType == "MeasureResponse" && e.Action == AuditAction.Create, Ct));
        });
    }

    [Fact]
    public async Task Progress_and_form_pages_are_404_for_people_outside_the_engagement()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var client = app.CreateAnonymousClient();
        using (await PageForms.SignInAsync(client, "casey@riverside.test"))
        {
        }

        foreach (var path in new[] { $"/engagements/{sams}/progress", $"/engagements/{sams}/measures", $"/engagements/{sams}/measures/phq-9", $"/engagements/{sams}/preferences" })
        {
            using var response = await client.GetAsync(path, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
        }

        using var sam = await app.ClientForAsync("sam@riverside.test");
        await app.WithDbAsync(async db =>
            Assert.True(await db.AuditEntries.AnyAsync(e => e.ObjectType == "Progress" && e.Outcome == AuditOutcome.Refused, Ct)));
    }
}
