using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Performance;

/// <summary>
/// Issue 25: a page made of several parts (the access log: its header, its list, its week at a glance) checks the
/// engagement once per request, not once per part; and the next request checks afresh (or, for a page kept for the
/// person, under the data version that taking anyone off an engagement moves), so a person taken off is refused at once.
/// </summary>
public sealed class EngagementCheckTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The commands since <paramref name="from"/> that load an engagement with its participants.</summary>
    private static List<string> EngagementLoadsSince(TandemApp app, int from) =>
        app.Log.Lines.Skip(from)
            .Where(l => l.Contains("Executed DbCommand", StringComparison.Ordinal) && l.Contains("FROM \\\"Engagements\\\"", StringComparison.Ordinal)
                && l.Contains("Participants", StringComparison.Ordinal))
            .ToList();

    [Fact]
    public async Task The_access_log_page_checks_the_engagement_once_and_the_next_request_checks_again()
    {
        await using var app = await TandemApp.StartAsync(settings: CommandLog.Settings());
        var engagement = await Demo.SamsEngagementAsync(app);
        using var pages = app.CreateAnonymousClient();
        using (await PageForms.SignInAsync(pages, "sam@riverside.test"))
        {
        }

        var before = app.Log.Lines.Count;
        var page = await pages.GetStringAsync($"/engagements/{engagement}/access-log", Ct);
        var loads = EngagementLoadsSince(app, before);

        Assert.Contains("Who opened this record", page, StringComparison.Ordinal);
        Assert.Contains("At a glance", page, StringComparison.Ordinal);
        Assert.True(loads.Count == 1, $"the access log page loaded the engagement {loads.Count} times:\n{string.Join("\n", loads)}");

        // The next request checks afresh: a view made at each request (everyone, Sam included) loads the engagement again,
        // once; the page kept for Sam is used only under the data version it was made under, which any change of who takes
        // part moves (ViewCacheTests: a therapist who leaves is refused the kept access log at once).
        before = app.Log.Lines.Count;
        await pages.GetStringAsync($"/engagements/{engagement}/access-log?who=all", Ct);
        Assert.Single(EngagementLoadsSince(app, before));

        before = app.Log.Lines.Count;
        await pages.GetStringAsync($"/engagements/{engagement}/access-log", Ct);
        Assert.Empty(EngagementLoadsSince(app, before));
        Assert.Single(app.Log.Lines.Skip(before), l => l.Contains("Executed DbCommand", StringComparison.Ordinal)
            && l.Contains("\\\"DataVersions\\\"", StringComparison.Ordinal) && l.Contains("\\\"AuditListReads\\\"", StringComparison.Ordinal));
    }
}
