using Tandem.IntegrationTests.Support;
using Xunit;

namespace Tandem.IntegrationTests.Performance;

/// <summary>
/// On SQLite a page's queries share one open connection (issue 25). EF opens and closes the connection around each query,
/// and every open of a SQLite connection registers EF's functions on it afresh; a page runs a dozen queries.
/// </summary>
public sealed class ConnectionPerRequestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_pages_queries_share_one_open_connection_on_sqlite_and_the_page_is_unchanged()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        await alex.GetJsonAsync($"/api/engagements/{sams}/plan");
        using var sam = app.CreateAnonymousClient();
        using (await PageForms.SignInAsync(sam, "sam@riverside.test"))
        {
        }

        var path = $"/engagements/{sams}/access-log";
        await sam.GetStringAsync(path, Ct);
        using var sent = new SentCommands(app.Database);
        var page = await sam.GetStringAsync(path, Ct);

        Assert.Contains("Alex Rivera opened the plan", page, StringComparison.Ordinal);
        var commands = sent.Commands.Count;
        Assert.True(commands >= 5, $"expected the page's queries, saw {commands} commands");
        if (app.Database.Provider == TestProvider.Sqlite)
        {
            // The request's own connection, and at most one for the audit writer's flush of the page's entry.
            Assert.True(sent.Opens <= 2, $"{sent.Opens} opens of the connection for {commands} commands");
        }
    }
}
