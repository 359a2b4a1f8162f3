using System.Data.Common;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Tandem.Features.Audit;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Performance;

/// <summary>
/// Issue 25: the access log's lists are the newest entries of one engagement (or of one person in it). Shown the values
/// of a busy engagement and person, PostgreSQL priced a backward walk of the whole trail's primary key as cheaper than the
/// index on (engagement, person, id), and stepped over every newer entry of every other engagement to find them (large
/// set: 17,676 pages read for a therapist's newest 100, 6.6 ms instead of 0.1). The plans checked here are the ones the
/// database makes for the values the app really sent, after the statistics a busy trail gives it.
/// </summary>
public sealed partial class AccessLogPlanTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_access_log_reads_a_busy_persons_newest_entries_through_the_engagements_index_not_the_whole_trail()
    {
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        var sam = await Accounts.SignInTests.IdOf(app, "sam@riverside.test");
        var alex = await Accounts.SignInTests.IdOf(app, "alex@riverside.test");
        var jordan = await Accounts.SignInTests.IdOf(app, "jordan@riverside.test");
        var practice = Guid.Empty;
        await app.WithDbAsync(async db => practice = (await db.Engagements.FindAsync([sams], Ct))!.PracticeId);

        // A busy record among many: Alex opened Sam's plan 12,000 times; then 12,000 newer entries went to 400 other
        // engagements (the trail is shared by every engagement of every practice, so it always holds many).
        var writer = app.Service<AuditWriter>();
        var at = app.Clock.GetUtcNow();
        var elsewhere = Enumerable.Range(0, 400).Select(_ => Guid.CreateVersion7()).ToList();
        async Task ReadsAsync(Func<int, Guid> engagementOf, Guid user, string role, int count)
        {
            for (var batch = 0; batch < count / 1000; batch++)
            {
                await writer.WriteManyAsync([.. Enumerable.Range(batch * 1000, 1000).Select(engagementOf).Select(engagement => new AuditEvent
                {
                    Action = AuditAction.Read,
                    ObjectType = "Plan",
                    ObjectId = engagement.ToString(),
                    DataCategory = AuditCategories.Clinical,
                    EngagementId = engagement,
                    PracticeId = practice,
                    UserId = user,
                    Role = role,
                    SourceAddress = "127.0.0.1",
                    At = at,
                })], Ct);
            }
        }

        await ReadsAsync(_ => sams, alex, "Therapist", 12_000);
        await ReadsAsync(i => elsewhere[i % elsewhere.Count], jordan, "Client", 12_000);
        await using var connection = await app.OpenRawConnectionAsync();
        await using (var analyze = connection.CreateCommand())
        {
            analyze.CommandText = "ANALYZE \"AuditEntries\"";
            await analyze.ExecuteNonQueryAsync(Ct);
        }

        using var sent = new SentCommands(app.Database);
        using (var client = await app.ClientForAsync("sam@riverside.test"))
        {
            // The page's default (everyone but me), one person, and everyone.
            var others = await client.GetJsonAsync($"/api/engagements/{sams}/access-log?others=true");
            Assert.Equal(100, others.GetArrayLength());
            Assert.All(others.EnumerateArray(), e => Assert.Equal("Alex Rivera opened the plan", e.Str("sentence")));
            Assert.Equal(100, (await client.GetJsonAsync($"/api/engagements/{sams}/access-log?who={alex}")).GetArrayLength());
            Assert.Equal(100, (await client.GetJsonAsync($"/api/engagements/{sams}/access-log")).GetArrayLength());
        }

        var lists = sent.Commands.Where(c => c.Sql.Contains("FROM \"AuditEntries\"", StringComparison.Ordinal) && NewestFirstRegex().IsMatch(c.Sql)).ToList();
        Assert.True(lists.Count >= 3, $"expected the three lists' queries, saw {lists.Count}");
        foreach (var list in lists)
        {
            var plan = await list.PlanAsync(connection, app.Database.Provider);
            Assert.True(SeeksOnEngagement(plan, app.Database.Provider), $"this list walks the trail instead of seeking on the engagement:\n{list.Sql}\n\nplan:\n{plan}");
            if (OnePersonRegex().IsMatch(list.Sql))
            {
                Assert.True(SeeksOnPerson(plan, app.Database.Provider), $"this list filters by person after reading instead of seeking on them:\n{list.Sql}\n\nplan:\n{plan}");
            }
        }
    }

    private static bool SeeksOnEngagement(string plan, TestProvider provider) => provider == TestProvider.Sqlite
        ? plan.Contains("EngagementId=?", StringComparison.Ordinal)
        : !plan.Contains("using \"PK_AuditEntries\"", StringComparison.Ordinal)
          && IndexCondRegex().Matches(plan).Any(m => m.Value.Contains("\"EngagementId\"", StringComparison.Ordinal));

    private static bool SeeksOnPerson(string plan, TestProvider provider) => provider == TestProvider.Sqlite
        ? plan.Contains("UserId=?", StringComparison.Ordinal)
        : IndexCondRegex().Matches(plan).Any(m => m.Value.Contains("\"UserId\"", StringComparison.Ordinal));

    [GeneratedRegex(@"ORDER BY \S*""Id"" DESC")]
    private static partial Regex NewestFirstRegex();

    [GeneratedRegex(@"""UserId"" = (\(SELECT )?@")]
    private static partial Regex OnePersonRegex();

    [GeneratedRegex(@"Index Cond: .*")]
    private static partial Regex IndexCondRegex();

    /// <summary>A statement the app sent to this test's database, with the values of its parameters.</summary>
    private sealed record SentCommand(string Sql, IReadOnlyList<(string Name, object? Value)> Parameters)
    {
        /// <summary>The plan the database makes for this statement and these values (PostgreSQL: a custom plan, as for the app's unprepared statements).</summary>
        public async Task<string> PlanAsync(DbConnection connection, TestProvider provider)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = (provider == TestProvider.Sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + Sql;
            foreach (var (name, value) in Parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }

            var lines = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                lines.Add(reader.GetValue(reader.FieldCount - 1)?.ToString() ?? "");
            }

            return string.Join("\n", lines);
        }
    }

    /// <summary>The statements EF Core sends to one test database while this lives (its diagnostic events carry the command and its values).</summary>
    private sealed class SentCommands : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly TestDatabase _database;
        private readonly List<IDisposable> _subscriptions = [];
        private readonly List<SentCommand> _commands = [];

        public SentCommands(TestDatabase database)
        {
            _database = database;
            _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
        }

        public IReadOnlyList<SentCommand> Commands
        {
            get
            {
                lock (_commands)
                {
                    return [.. _commands];
                }
            }
        }

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name)
            {
                lock (_subscriptions)
                {
                    _subscriptions.Add(value.Subscribe(this, name => name == RelationalEventId.CommandExecuting.Name));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Value is not CommandEventData { Command: var command } || !Ours(command.Connection))
            {
                return;
            }

            var parameters = command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, p.Value)).ToList();
            lock (_commands)
            {
                _commands.Add(new SentCommand(command.CommandText, parameters));
            }
        }

        private bool Ours(DbConnection? connection) => connection is not null && (_database.Provider == TestProvider.Sqlite
            ? _database.SqlitePath is { } path && Path.GetFullPath(connection.DataSource) == Path.GetFullPath(path)
            : connection.Database == _database.Name);

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            lock (_subscriptions)
            {
                foreach (var s in _subscriptions)
                {
                    s.Dispose();
                }
            }
        }
    }
}
