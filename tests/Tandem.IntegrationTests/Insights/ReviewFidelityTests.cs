using System.Net;
using System.Text.Json;
using Tandem.IntegrationTests.Measures;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Insights;

/// <summary>Issue 24: the outcome report's fidelity gains the share of off-track signals whose review was completed, and the median days to it.</summary>
public sealed class ReviewFidelityTests
{
    private static (int Year, int Quarter) QuarterOf(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return (local.Year, ((local.Month - 1) / 3) + 1);
    }

    private static DateTimeOffset StartOfNextQuarter((int Year, int Quarter) q, TimeZoneInfo zone)
    {
        var start = new DateTime(q.Year, ((q.Quarter - 1) * 3) + 1, 1).AddMonths(3);
        return new DateTimeOffset(start, zone.GetUtcOffset(start)).ToUniversalTime();
    }

    [Fact]
    public async Task Completed_reviews_and_days_to_review_are_reported_with_the_report_s_disclosure_control()
    {
        await using var app = await TandemApp.StartAsync();
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        var clients = new List<(Guid Id, string Email)>();
        for (var i = 0; i < 6; i++)
        {
            var email = $"fidelity-{i}-{Guid.NewGuid():N}@example.test";
            var (id, client) = await NewClient.JoinAsync(app, clientEmail: email);
            client.Dispose();
            clients.Add((id, email));
        }

        // Five signals now (a Collaboration Check with every item at 1), each review completed by both sides 3 days later.
        var first = QuarterOf(app.Clock.GetUtcNow() + TimeSpan.FromDays(28), zone);
        foreach (var (id, email) in clients.Take(5))
        {
            using var client = await app.ClientForAsync(email, NewClient.Password);
            await client.PostJsonAsync($"/api/engagements/{id}/responses", MeasureRequests.Collaboration("collaboration-check", 1), HttpStatusCode.Created);
        }

        app.Clock.Advance(TimeSpan.FromDays(3));
        using (var alex = await app.ClientForAsync("alex@riverside.test"))
        {
            foreach (var (id, email) in clients.Take(5))
            {
                using var client = await app.ClientForAsync(email, NewClient.Password);
                var review = (await client.GetJsonAsync($"/api/engagements/{id}/reviews"))[0].Id();
                await client.PostJsonAsync($"/api/engagements/{id}/reviews/{review}/client", new { pace = "Too fast for me." }, HttpStatusCode.OK);
                await alex.PostJsonAsync($"/api/engagements/{id}/reviews/{review}/therapist", new { approach = "Slow down together." }, HttpStatusCode.OK);
            }
        }

        // One more signal in the next quarter, never reviewed.
        app.Clock.SetUtcNow(StartOfNextQuarter(first, zone).AddDays(10));
        var second = QuarterOf(app.Clock.GetUtcNow() + TimeSpan.FromDays(28), zone);
        using (var client = await app.ClientForAsync(clients[5].Email, NewClient.Password))
        {
            await client.PostJsonAsync($"/api/engagements/{clients[5].Id}/responses", MeasureRequests.Collaboration("collaboration-check", 1), HttpStatusCode.Created);
        }

        app.Clock.SetUtcNow(StartOfNextQuarter(second, zone).AddDays(5));
        using var admin = await app.ClientForAsync("admin@riverside.test");
        JsonElement Reviews(JsonElement report) => report.GetProperty("overall").GetProperty("reviews");
        string Text(JsonElement figures, string name) => figures.GetProperty(name).GetProperty("text").GetString()!;

        var done = Reviews(await admin.GetJsonAsync($"/api/practice/outcomes?period={first.Year}-Q{first.Quarter}"));
        Assert.Equal("5", Text(done, "signals"));
        Assert.Equal(100, done.GetProperty("reviewed").GetProperty("percent").GetInt32());
        Assert.Equal((5, 5), (done.GetProperty("reviewed").GetProperty("numerator").GetInt32(), done.GetProperty("reviewed").GetProperty("denominator").GetInt32()));
        Assert.Equal("3.0", Text(done, "medianDays"));

        // One signal alone: "fewer than 5", and nothing about whether it was reviewed or how fast.
        var few = Reviews(await admin.GetJsonAsync($"/api/practice/outcomes?period={second.Year}-Q{second.Quarter}"));
        Assert.Equal("fewer than 5", Text(few, "signals"));
        Assert.True(few.GetProperty("reviewed").GetProperty("suppressed").GetBoolean());
        Assert.True(few.GetProperty("medianDays").GetProperty("suppressed").GetBoolean());

        // The page says the same in words.
        var page = await (await admin.GetAsync($"/practice/outcomes?period={first.Year}-Q{first.Quarter}", TestContext.Current.CancellationToken)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("When the work looked off track", page, StringComparison.Ordinal);
        Assert.Contains("Review completed by both sides", page, StringComparison.Ordinal);
    }
}
