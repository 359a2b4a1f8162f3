using System.Text.Json;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Audit;

/// <summary>
/// The access log's weekly summary counts hourly totals kept beside the entries (issue 25), and the part of an hour at
/// the window's start from the entries themselves: a read counts for exactly seven days, to the minute, whether it is
/// in a whole hour of the week or in the hour the week starts in.
/// </summary>
public sealed class AccessSummaryWindowTests
{
    /// <remarks>The part of an hour at the week's start is kept in memory once read (the second and third checks below
    /// count from it); with <c>Audit:SummaryHourReadsKept</c> at 0 it is counted in SQL each time, as a busy hour is.</remarks>
    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    public async Task A_read_counts_in_the_weekly_summary_for_exactly_seven_days(string? hourReadsKept)
    {
        await using var app = await TandemApp.StartAsync(settings: hourReadsKept is null ? null : new() { ["Audit:SummaryHourReadsKept"] = hourReadsKept });
        var sams = await Demo.SamsEngagementAsync(app);

        // Away from the top of an hour, so "a minute either side" stays inside one hour of the clock.
        var minute = app.Clock.GetUtcNow().Minute;
        if (minute is < 5 or > 55)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(15));
        }

        var readAt = app.Clock.GetUtcNow();
        using (var alex = await app.ClientForAsync("alex@riverside.test"))
        {
            for (var i = 0; i < 3; i++)
            {
                await alex.GetJsonAsync($"/api/engagements/{sams}/plan");
            }
        }

        var now = await PlanCountAsync(app, sams);
        Assert.True(now >= 3, $"Alex's three reads are in this week's summary ({now})");

        // A day later they count from the hourly totals, not the entries.
        app.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(now, await PlanCountAsync(app, sams));

        // A minute before the week is over they still count: the week now starts in the hour they were made in.
        app.Clock.Advance(readAt + TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1) - app.Clock.GetUtcNow());
        Assert.Equal(now, await PlanCountAsync(app, sams));

        // A minute after, they do not (nor do the demo's earlier reads).
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(0, await PlanCountAsync(app, sams));

        // A new read counts again, once.
        using (var alex = await app.ClientForAsync("alex@riverside.test"))
        {
            await alex.GetJsonAsync($"/api/engagements/{sams}/plan");
        }

        Assert.Equal(1, await PlanCountAsync(app, sams));
    }

    [Fact]
    public async Task A_list_read_counts_in_each_client_summary_it_showed_for_exactly_seven_days()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        var jordans = await Demo.JordansEngagementAsync(app);
        var minute = app.Clock.GetUtcNow().Minute;
        if (minute is < 5 or > 55)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(15));
        }

        // The sessions schedule lists both engagements: one list entry a look, a row for each engagement beside it.
        var readAt = app.Clock.GetUtcNow();
        using (var alex = await app.ClientForAsync("alex@riverside.test"))
        {
            await alex.GetJsonAsync("/api/sessions");
            await alex.GetJsonAsync("/api/sessions");
        }

        var sam = await CountAsync(app, sams, "sam@riverside.test", "sessions");
        var jordan = await CountAsync(app, jordans, "jordan@riverside.test", "sessions");
        Assert.True(sam >= 2 && jordan >= 2, $"Sam's summary counts {sam}, Jordan's {jordan}");

        // A minute before the week is over, from the entries of the hour it starts in (not the hourly totals).
        app.Clock.Advance(readAt + TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1) - app.Clock.GetUtcNow());
        Assert.Equal(sam, await CountAsync(app, sams, "sam@riverside.test", "sessions"));
        Assert.Equal(jordan, await CountAsync(app, jordans, "jordan@riverside.test", "sessions"));

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(0, await CountAsync(app, sams, "sam@riverside.test", "sessions"));
        Assert.Equal(0, await CountAsync(app, jordans, "jordan@riverside.test", "sessions"));
    }

    private static Task<int> PlanCountAsync(TandemApp app, Guid engagement) => CountAsync(app, engagement, "sam@riverside.test", "plan");

    /// <summary>What a client's summary says of Alex and one part of the record (signed in afresh: the clock moves by days).</summary>
    private static async Task<int> CountAsync(TandemApp app, Guid engagement, string client, string what)
    {
        using var person = await app.ClientForAsync(client);
        var summary = await person.GetJsonAsync($"/api/engagements/{engagement}/access-log/summary");
        return summary.GetProperty("people").EnumerateArray().Where(p => p.Str("name") == "Alex Rivera")
            .SelectMany(p => p.GetProperty("items").EnumerateArray())
            .Where(i => i.Str("what") == what).Select(i => i.GetProperty("count").GetInt32()).FirstOrDefault();
    }
}
