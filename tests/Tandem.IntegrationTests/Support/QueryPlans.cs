using System.Text.RegularExpressions;

namespace Tandem.IntegrationTests.Support;

/// <summary>Query plans of the statements the app logged (with <see cref="CommandLog"/>), on either database.</summary>
public static partial class QueryPlans
{
    /// <summary>The database's plan for a logged statement, as text: SQLite's EXPLAIN QUERY PLAN, or PostgreSQL's generic plan with sequential scans priced out after ANALYZE of <paramref name="analyze"/>.</summary>
    public static async Task<string> PlanAsync(System.Data.Common.DbConnection connection, TestProvider provider, string sql, params string[] analyze)
    {
        await using var command = connection.CreateCommand();
        if (provider == TestProvider.Sqlite)
        {
            // The plan of the statement as written; unbound parameters do not change SQLite's choice of index. The app keeps
            // planner statistics (SqliteStatistics), and on a test's few rows they rightly make SQLite scan small tables
            // whole; the question here, as with PostgreSQL's sequential scans priced out below, is whether an index can
            // answer as it must on a grown database. So the plan is made without them, inside a savepoint undone after.
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'";
            var statistics = (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))! > 0;
            command.CommandText = $"SAVEPOINT plan_without_statistics; {(statistics ? "DELETE FROM sqlite_stat1; " : "")}ANALYZE sqlite_schema;";
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        }
        else
        {
            // The generic plan (the one that holds for any values), with sequential scans priced out so the question is
            // only whether an index can answer by person, and with the statistics autovacuum would have gathered after
            // the writes above; the app's @names become PostgreSQL's $n.
            // A value the app hides from the planner, "(SELECT @id)", has no type of its own in a PREPARE: the app's are ids.
            var names = new List<string>();
            var numbered = ParameterRegex().Replace(HiddenValueRegex().Replace(sql, "(SELECT $1::uuid)"), m =>
            {
                if (!names.Contains(m.Groups[1].Value))
                {
                    names.Add(m.Groups[1].Value);
                }

                return "$" + (names.IndexOf(m.Groups[1].Value) + 1);
            });
            command.CommandText = $"""
                {string.Concat(analyze.Select(t => $"ANALYZE \"{t}\"; "))}SET enable_seqscan = off; SET plan_cache_mode = force_generic_plan;
                PREPARE access_list AS {numbered};
                EXPLAIN EXECUTE access_list({string.Join(", ", names.Select(_ => "NULL"))});
                """;
        }

        var lines = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            do
            {
                while (await reader.ReadAsync(TestContext.Current.CancellationToken))
                {
                    lines.Add(reader.GetValue(reader.FieldCount - 1)?.ToString() ?? "");
                }
            }
            while (await reader.NextResultAsync(TestContext.Current.CancellationToken));
        }

        if (provider == TestProvider.Sqlite)
        {
            await using var restore = connection.CreateCommand();
            restore.CommandText = "ROLLBACK TO plan_without_statistics; RELEASE plan_without_statistics; ANALYZE sqlite_schema;";
            await restore.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        if (provider == TestProvider.Postgres)
        {
            await using var cleanup = connection.CreateCommand();
            cleanup.CommandText = "DEALLOCATE access_list; RESET enable_seqscan; RESET plan_cache_mode;";
            await cleanup.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        return string.Join("\n", lines);
    }

    /// <summary>The SQL of a logged command: the message's quoted, escaped command text, up to its closing quote.</summary>
    public static string SqlOf(string line)
    {
        var start = line.IndexOf("\"SELECT", StringComparison.Ordinal) + 1;
        if (start == 0)
        {
            return "";
        }

        var end = start;
        while (line[end] != '"' || line[end - 1] == '\\')
        {
            end++;
        }

        return Regex.Unescape(line[start..end]);
    }

    [GeneratedRegex(@"@(\w+)")]
    private static partial Regex ParameterRegex();

    [GeneratedRegex(@"\(SELECT (@\w+)\)")]
    private static partial Regex HiddenValueRegex();
}
