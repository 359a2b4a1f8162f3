using System.Text.RegularExpressions;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Performance;

/// <summary>
/// Issue 25: the pages people open all day name people beside what they wrote or did. Those names were read as whole
/// account rows (password hash and security stamp included, to show a name), and read even when there was nobody to
/// name, a query whose answer was known to be empty ("WHERE 0"), each a round trip on PostgreSQL. Every daily page is
/// opened here; no command it sends may ask a question with no possible answer, and no list of accounts by id may read
/// more than the names.
/// </summary>
public sealed partial class NameLookupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Daily_pages_read_names_only_and_never_ask_for_nobody()
    {
        await using var app = await TandemApp.StartAsync(settings: CommandLog.Settings());
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        using var sam = await app.ClientForAsync("sam@riverside.test");
        await sam.PostAsync($"/api/engagements/{sams}/messages", System.Net.Http.Json.JsonContent.Create(new { body = "See you Thursday." }), Ct);

        var before = app.Log.Lines.Count;
        foreach (var (client, page) in new[]
        {
            (sam, "/"), (sam, $"/engagements/{sams}/messages"), (sam, $"/engagements/{sams}/access-log"), (sam, $"/engagements/{sams}"),
            (alex, "/"), (alex, $"/engagements/{sams}"), (alex, $"/engagements/{sams}/messages"), (alex, $"/engagements/{sams}/progress"),
            (alex, $"/engagements/{sams}/plan"), (alex, $"/engagements/{sams}/access-log"), (alex, "/alerts"),
        })
        {
            using var response = await client.GetAsync(page, Ct);
            Assert.True(response.IsSuccessStatusCode, $"{page} answered {(int)response.StatusCode}");
        }

        var commands = app.Log.Lines.Skip(before).Where(l => l.Contains("Executed DbCommand", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(commands);
        var askingForNobody = commands.Where(c => NoAnswerRegex().IsMatch(c)).ToList();
        Assert.True(askingForNobody.Count == 0, $"{askingForNobody.Count} commands ask for an empty list:\n{string.Join("\n\n", askingForNobody)}");
        var wholeAccounts = commands.Where(c => c.Contains("FROM \\\"Users\\\"", StringComparison.Ordinal) && IdListRegex().IsMatch(c)
            && c.Contains("PasswordHash", StringComparison.Ordinal)).ToList();
        Assert.True(wholeAccounts.Count == 0, $"{wholeAccounts.Count} lookups of people by id read whole accounts:\n{string.Join("\n\n", wholeAccounts)}");
    }

    /// <summary>EF's translation of "where the id is in an empty list": SQLite "WHERE 0", PostgreSQL "WHERE FALSE".</summary>
    [GeneratedRegex(@"WHERE (0|FALSE)\b")]
    private static partial Regex NoAnswerRegex();

    [GeneratedRegex(@"""Id\\?""\s+(IN \(|= ANY \()")]
    private static partial Regex IdListRegex();
}
