using System.Text.RegularExpressions;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Performance;

/// <summary>
/// Issue 25, the large/small ratio: a therapist's caseload report took 6 times longer on the large bench set (20
/// practices) than on the small one (2 practices of the same size), and the practice's report 3 times. Its queries asked
/// "is this row's engagement in the report" row by row, and SQLite answered the year's sessions from its (status, start)
/// index, which holds every practice's sessions. Every read of the report must seek by practice, engagement or primary
/// key, so its cost follows the practice's data, not the database's.
/// </summary>
public sealed partial class OutcomeReportScanTests
{
    private static readonly string[] ClinicalTables = ["Engagements", "Participants", "Sessions", "MeasureResponses", "GoalRatings", "OffTrackReviews"];

    [Theory]
    [InlineData("alex@riverside.test")]
    [InlineData("admin@riverside.test")]
    public async Task Every_read_of_the_outcome_report_seeks_within_the_practice(string who)
    {
        await using var app = await TandemApp.StartAsync(settings: CommandLog.Settings());
        using var reader = await app.ClientForAsync(who);
        var before = app.Log.Lines.Count;
        var report = await reader.GetJsonAsync("/api/practice/outcomes");
        Assert.Equal(System.Text.Json.JsonValueKind.Object, report.ValueKind);

        var reads = app.Log.Lines.Skip(before).Where(l => l.Contains("Executed DbCommand", StringComparison.Ordinal)).Select(QueryPlans.SqlOf)
            .Where(sql => ClinicalTables.Any(t => sql.Contains($"FROM \"{t}\"", StringComparison.Ordinal))).Distinct().ToList();
        Assert.True(reads.Count >= 6, $"expected the report's reads of {string.Join(", ", ClinicalTables)} in the log, found {reads.Count}");
        await using var connection = await app.OpenRawConnectionAsync();
        var problems = new List<string>();
        foreach (var sql in reads)
        {
            var plan = await QueryPlans.PlanAsync(connection, app.Database.Provider, sql, ClinicalTables);
            var outside = app.Database.Provider == TestProvider.Sqlite
                ? plan.Split('\n').Where(l => l.TrimStart().StartsWith("SCAN", StringComparison.Ordinal) || l.TrimStart().StartsWith("SEARCH", StringComparison.Ordinal))
                    .Where(l => !l.Contains("VIRTUAL TABLE", StringComparison.Ordinal) && !SqliteWithinPractice().IsMatch(l)).ToList()
                : [.. PostgresAccess().Matches(plan).Select(m => m.Value.Trim()).Where(l => !PostgresWithinPractice().IsMatch(l))];
            if (outside.Count > 0)
            {
                problems.Add($"{string.Join("; ", outside)}\n  in: {sql[..Math.Min(sql.Length, 400)]}\n  plan:\n{plan}");
            }
        }

        Assert.True(problems.Count == 0, $"reads of the report that are not sought by practice, engagement or primary key ({who}):\n" + string.Join("\n\n", problems));
    }

    /// <summary>SQLite: an index search whose first constraint is the practice, the engagement or the primary key.</summary>
    [GeneratedRegex(@"^\s*SEARCH \S+ (EXISTS )?USING (COVERING )?INDEX \S+ \((PracticeId|EngagementId|Id)=\?")]
    private static partial Regex SqliteWithinPractice();

    /// <summary>PostgreSQL: each node reading a table or an index.</summary>
    [GeneratedRegex(@"(Seq Scan|Index Scan|Index Only Scan|Bitmap Index Scan)[^\n]*")]
    private static partial Regex PostgresAccess();

    /// <summary>PostgreSQL: through the primary key, or an index that leads with the practice or the engagement (the index names say which).</summary>
    [GeneratedRegex(@"(Index Scan|Index Only Scan|Bitmap Index Scan)( Backward)? (using |on )""(PK_[^""]+|IX_[A-Za-z]+_(PracticeId|EngagementId)[^""]*)""")]
    private static partial Regex PostgresWithinPractice();
}
