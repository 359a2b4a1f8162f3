using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Reliability;

/// <summary>
/// QUALITY.md R5: a backup taken with `Tandem backup &lt;file&gt;` while Tandem runs, the database
/// wiped, `Tandem restore &lt;file&gt;`: every row of every table is back, the audit chains verify,
/// and the app starts on it and answers with the sign-ins it had given before.
/// </summary>
[Trait("Suite", "Reliability")]
public sealed class BackupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_backup_taken_while_Tandem_runs_restores_after_a_wipe_with_every_row_and_an_intact_audit_chain()
    {
        var provider = TestEnvironment.Provider.ToString().ToLowerInvariant();
        await using var database = await TestDatabase.CreateAsync(seeded: true);
        var dataFolder = Path.Combine(TestEnvironment.RunFolder, "backup-" + Guid.NewGuid().ToString("N")[..12]);
        var file = Path.Combine(dataFolder, "backups", database.Provider == TestProvider.Sqlite ? "tandem-backup.db" : "tandem-backup.dump");
        var ledger = new WriteLedger();
        var written = new List<Guid>();
        CrashClients clients;
        SortedDictionary<string, long> before;
        await using (var app = await TandemProcess.StartAsync(database, dataFolder, Ct))
        {
            clients = await CrashClients.SignInAsync(app.BaseAddress, ledger, Ct);
            using var sam = CrashClients.ClientFor(app.BaseAddress, clients.Person("sam"));
            var engagement = clients.Person("sam").Engagements[0];
            var random = new Random(5);
            for (var i = 0; i < 5; i++)
            {
                using var response = await sam.PostAsJsonAsync($"api/engagements/{engagement}/responses", CrashClients.Phq9(random), Ct);
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                written.Add((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).Id());
                using var message = await sam.PostAsJsonAsync($"api/engagements/{engagement}/messages", new { body = $"Before the backup {i}" }, Ct);
                Assert.Equal(HttpStatusCode.Created, message.StatusCode);
            }

            // Online: Tandem keeps running while the backup is taken.
            before = await DirectDb.CountRowsAsync(database, Ct);
            var (exit, output) = await TandemProcess.RunCommandAsync(["backup", file], database, dataFolder, Ct);
            Assert.True(exit == 0, $"backup exited {exit}: {output}");
            Assert.True(File.Exists(file), output);
            // Nothing wrote meanwhile, so the backup holds exactly these rows.
            Assert.Equal(before, await DirectDb.CountRowsAsync(database, Ct));

            // A backup never overwrites a file.
            var (again, refusal) = await TandemProcess.RunCommandAsync(["backup", file], database, dataFolder, Ct);
            Assert.True(again != 0, refusal);
        }

        // Restore refuses to go over a database that has data.
        var (over, overOutput) = await TandemProcess.RunCommandAsync(["restore", file], database, dataFolder, Ct);
        Assert.True(over != 0, $"restore over a live database was not refused: {overOutput}");

        await database.WipeAsync();
        var (restoreExit, restoreOutput) = await TandemProcess.RunCommandAsync(["restore", file], database, dataFolder, Ct);
        Assert.True(restoreExit == 0, $"restore exited {restoreExit}: {restoreOutput}");
        Assert.Contains("Audit chain intact", restoreOutput, StringComparison.Ordinal);

        var after = await DirectDb.CountRowsAsync(database, Ct);
        Assert.Equal(before, after);
        if (database.Provider == TestProvider.Sqlite)
        {
            Assert.Equal("ok", await DirectDb.SqliteIntegrityCheckAsync(database, readOnly: false, Ct));
        }
        else
        {
            // pg_restore brings no planner statistics; restore gathers them, so the first reports are not planned blind.
            await using var connection = new Npgsql.NpgsqlConnection(database.PostgresAdminConnection);
            await connection.OpenAsync(Ct);
            await using var analyzed = new Npgsql.NpgsqlCommand("SELECT count(DISTINCT tablename) FROM pg_stats WHERE schemaname = 'public' AND tablename IN ('Sessions', 'AuditEntries', 'Engagements')", connection);
            Assert.Equal(3L, await analyzed.ExecuteScalarAsync(Ct));
        }

        var (verifyExit, verifyOutput) = await TandemProcess.RunCommandAsync(["verify-audit"], database, dataFolder, Ct);
        Assert.True(verifyExit == 0, $"verify-audit after restore exited {verifyExit}: {verifyOutput}");

        // The restored app answers the sign-in it gave before the backup (its keys came back too) with the data written then.
        await using (var app = await TandemProcess.StartAsync(database, dataFolder, Ct))
        {
            using var sam = CrashClients.ClientFor(app.BaseAddress, clients.Person("sam"));
            var responses = await sam.GetFromJsonAsync<JsonElement>($"api/engagements/{clients.Person("sam").Engagements[0]}/responses?instrumentId=phq-9", Ct);
            var ids = responses.EnumerateArray().Select(r => r.Id()).ToHashSet();
            Assert.All(written, id => Assert.Contains(id, ids));
        }

        Figures.Print($"backup and restore ({provider}): {after.Values.Sum()} rows in {after.Count} tables, audit chain ok ({verifyOutput.Split('\n').First(l => l.Contains("Audit chain intact", StringComparison.Ordinal)).Trim()})");
    }
}
