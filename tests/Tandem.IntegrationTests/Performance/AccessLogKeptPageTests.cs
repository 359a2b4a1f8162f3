using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Performance;

/// <summary>
/// Issue 25: the access log page a person opens (everyone else's entries and the week's summary) is kept between their
/// views and only checked against the trail, and that changes nothing a person can see: a read or a refusal by anyone
/// else, on either node, is on the very next view; the viewer's own views keep the page and never show on it; every view
/// is still in the trail.
/// </summary>
public sealed class AccessLogKeptPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<HttpClient> PagesAsync(TandemApp app, string email)
    {
        var pages = app.CreateAnonymousClient();
        using (await PageForms.SignInAsync(pages, email))
        {
        }

        return pages;
    }

    /// <summary>The commands the app ran since <paramref name="from"/> that name <paramref name="table"/>.</summary>
    private static int CommandsOn(TandemApp app, int from, string table) =>
        app.Log.Lines.Skip(from).Count(l => l.Contains("Executed DbCommand", StringComparison.Ordinal) && l.Contains($"\\\"{table}\\\"", StringComparison.Ordinal));

    /// <summary>The page's sentences (the summary and the entries), without the markup.</summary>
    private static string Text(string html) =>
        Regex.Replace(Regex.Replace(html, "<[^>]+>", " "), @"\s+", " ");

    private static int Count(string html, string sentence) => Regex.Count(Text(html), Regex.Escape(sentence));

    private static async Task<int> AccessLogReadsAsync(TandemApp app, Guid engagement)
    {
        var count = 0;
        await app.WithDbAsync(async db => count = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(
            db.AuditEntries, e => e.EngagementId == engagement && e.ObjectType == "AccessLog", Ct));
        return count;
    }

    [Fact]
    public async Task A_second_view_with_nothing_new_from_anyone_else_reads_where_the_trail_stands_not_the_entries()
    {
        await using var app = await TandemApp.StartAsync(settings: CommandLog.Settings());
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        await alex.GetJsonAsync($"/api/engagements/{sams}/plan");
        using var sam = await PagesAsync(app, "sam@riverside.test");
        var path = $"/engagements/{sams}/access-log";
        var first = await sam.GetStringAsync(path, Ct);
        Assert.Contains("Alex Rivera opened the plan", first, StringComparison.Ordinal);

        var before = app.Log.Lines.Count;
        var second = await sam.GetStringAsync(path, Ct);
        Assert.Equal(Text(first), Text(second));
        // Neither the engagement, nor the hourly counts, nor the people in the log, nor the list rows joined to their entries
        // are read again; one look at the trail (with the data version) is.
        Assert.Equal(0, CommandsOn(app, before, "Engagements"));
        Assert.Equal(0, CommandsOn(app, before, "AccessReadCounts"));
        Assert.Equal(1, CommandsOn(app, before, "AuditListReads"));
        Assert.DoesNotContain(app.Log.Lines.Skip(before), l => l.Contains("people(", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_read_or_a_refusal_by_anyone_else_on_either_node_is_on_the_very_next_view()
    {
        await using var app = await TandemApp.StartAsync();
        await using var node2 = new TandemApp(app.Database, seeded: true, new Dictionary<string, string?>());
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await PagesAsync(app, "sam@riverside.test");
        var path = $"/engagements/{sams}/access-log";
        await sam.GetStringAsync(path, Ct);
        var kept = await sam.GetStringAsync(path, Ct);
        var plan = Count(kept, "Alex Rivera opened the plan");

        // Alex opens the plan on the other node: the entry and the week's count, at once.
        using var alex = await node2.ClientForAsync("alex@riverside.test");
        await alex.GetJsonAsync($"/api/engagements/{sams}/plan");
        var after = await sam.GetStringAsync(path, Ct);
        Assert.Equal(plan + 1, Count(after, "Alex Rivera opened the plan"));
        Assert.Contains("This week Alex opened your plan", Text(after), StringComparison.Ordinal);

        // Kept again, then Alex opens the sessions list (a list that shows Sam's engagement, no entry of its own): next view.
        var sessions = Count(await sam.GetStringAsync(path, Ct), "Alex Rivera opened the sessions");
        await alex.GetJsonAsync("/api/sessions");
        Assert.Equal(sessions + 1, Count(await sam.GetStringAsync(path, Ct), "Alex Rivera opened the sessions"));

        // Someone without access, on the other node: next view.
        Assert.Equal(0, Count(await sam.GetStringAsync(path, Ct), "Someone without access tried to open the plan"));
        using var casey = await node2.ClientForAsync("casey@riverside.test");
        await casey.GetJsonAsync($"/api/engagements/{sams}/plan", System.Net.HttpStatusCode.NotFound);
        Assert.Equal(1, Count(await sam.GetStringAsync(path, Ct), "Someone without access tried to open the plan"));
    }

    [Fact]
    public async Task The_viewers_own_views_keep_the_page_never_show_on_it_and_are_each_in_the_trail()
    {
        await using var app = await TandemApp.StartAsync(settings: CommandLog.Settings());
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await PagesAsync(app, "sam@riverside.test");
        var path = $"/engagements/{sams}/access-log";
        var readsBefore = await AccessLogReadsAsync(app, sams);
        var first = await sam.GetStringAsync(path, Ct);

        var before = app.Log.Lines.Count;
        for (var i = 0; i < 4; i++)
        {
            var view = await sam.GetStringAsync(path, Ct);
            Assert.Equal(Text(first), Text(view));
            Assert.DoesNotContain("You opened the access log", view, StringComparison.Ordinal);
        }

        // Four views, one look at the trail each, no page made again.
        Assert.Equal(0, CommandsOn(app, before, "AccessReadCounts"));
        Assert.Equal(4, CommandsOn(app, before, "AuditListReads"));
        Assert.Equal(readsBefore + 5, await AccessLogReadsAsync(app, sams));

        // The view with everyone, Sam included, is made at each view and has them.
        var all = await sam.GetStringAsync(path + "?who=all", Ct);
        Assert.True(Count(all, "You opened the access log") >= 5, Text(all));
    }

    [Fact]
    public async Task A_change_of_a_name_is_on_the_next_view_of_a_kept_page()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        await alex.GetJsonAsync($"/api/engagements/{sams}/plan");
        using var sam = await PagesAsync(app, "sam@riverside.test");
        var path = $"/engagements/{sams}/access-log";
        await sam.GetStringAsync(path, Ct);
        Assert.Contains("Alex Rivera opened the plan", await sam.GetStringAsync(path, Ct), StringComparison.Ordinal);

        // Alex changes his name (on his profile): the page names him so at once.
        var alexId = (await alex.GetJsonAsync("/api/me")).Id();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Tandem.Data.TandemDbContext>();
            using var system = db.Tenant.AsSystem();
            await scope.ServiceProvider.GetRequiredService<Tandem.Features.Accounts.UpdateProfile>()
                .HandleAsync(alexId, new Tandem.Features.Accounts.UpdateProfileCommand("Alex Morgan-Rivera", null, "Europe/London"), Ct);
        }

        var renamed = await sam.GetStringAsync(path, Ct);
        Assert.Contains("Alex Morgan-Rivera opened the plan", renamed, StringComparison.Ordinal);
        Assert.DoesNotContain("Alex Rivera opened the plan", renamed, StringComparison.Ordinal);
    }
}
