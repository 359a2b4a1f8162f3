using System.Diagnostics;
using System.Globalization;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Reliability;

/// <summary>
/// QUALITY.md R1: Tandem runs as a real process (Production, Kestrel on loopback) over this
/// suite's provider; many people write at once; the process is killed with SIGKILL at random
/// moments of the burst and started again on the same database. Afterwards every acknowledged
/// write is there, every unacknowledged one is there whole or not at all (row, score rows,
/// alerts, audit entry), the database passes its integrity check, the audit chains verify and
/// the audit rows match the data rows. 3 kills by default; 20 with TANDEM_FULL=1
/// (./test.sh --full); TANDEM_CRASH_KILLS=n for any other number.
/// </summary>
[Trait("Suite", "Reliability")]
public sealed class CrashTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int Kills =>
        int.TryParse(Environment.GetEnvironmentVariable("TANDEM_CRASH_KILLS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : Figures.FullMode ? 20 : 3;

    [Fact]
    public async Task Killing_the_server_during_a_burst_of_writes_loses_nothing_acknowledged_and_leaves_nothing_half_written()
    {
        var kills = Kills;
        var provider = TestEnvironment.Provider.ToString().ToLowerInvariant();
        var clock = Stopwatch.StartNew();
        var random = new Random();
        await using var database = await TestDatabase.CreateAsync(seeded: true);
        var dataFolder = Path.Combine(TestEnvironment.RunFolder, "crash-" + Guid.NewGuid().ToString("N")[..12]);
        var before = await CrashChecks.BaselineAsync(database, Ct);
        var ledger = new WriteLedger();
        HashSet<TrackedWrite> landed;
        var retried = 0;
        var app = await TandemProcess.StartAsync(database, dataFolder, Ct);
        try
        {
            var clients = await CrashClients.SignInAsync(app.BaseAddress, ledger, Ct);
            for (var round = 1; round <= kills; round++)
            {
                var started = Stopwatch.StartNew();
                if (round > 1)
                {
                    // Restart on the same database: recovery is the app's own start.
                    app = await TandemProcess.StartAsync(database, dataFolder, Ct);
                }

                var startup = started.Elapsed;
                var acks = ledger.AcknowledgedCount;
                await BurstAndKillAsync(app, clients, ledger, round, random);
                Trace($"round {round}: start {startup.TotalSeconds:F1} s, {ledger.AcknowledgedCount - acks} acknowledged, killed after {(started.Elapsed - startup).TotalSeconds:F1} s");
                Assert.True(ledger.ServerErrors == 0, $"the server answered 5xx during the burst:\n{string.Join('\n', ledger.ServerErrorDetails.Take(10))}\n{app.Tail()}");
                if (database.Provider == TestProvider.Sqlite)
                {
                    var integrity = await DirectDb.SqliteIntegrityCheckAsync(database, readOnly: true, Ct);
                    Assert.True(integrity == "ok", $"integrity_check after kill {round}: {integrity}");
                }
            }

            // The last start after the last kill: the app comes up and answers queries on what it left behind.
            app = await TandemProcess.StartAsync(database, dataFolder, Ct);
            await CrashChecks.QueriesSucceedAsync(app, clients, Ct);

            // Which unacknowledged writes made it, decided before anything is retried.
            landed = await CrashChecks.LandedAsync(database, ledger, Ct);

            // A client whose submission was never answered sends it again with its key: exactly one record each.
            foreach (var write in ledger.All.Where(w => w.Kind == WriteKind.Response && w.Outcome == WriteOutcome.Unacknowledged))
            {
                using var http = CrashClients.ClientFor(app.BaseAddress, clients.Person(write.Person));
                var (_, id, replayed) = await CrashClients.RetryAsync(http, write, Ct);
                Assert.Equal(landed.Contains(write), replayed);
                write.Id = id;
                retried++;
            }

            app.Kill();
        }
        finally
        {
            await app.DisposeAsync();
        }

        var integrityAtEnd = database.Provider == TestProvider.Sqlite ? await DirectDb.SqliteIntegrityCheckAsync(database, readOnly: false, Ct) : "ok";
        Assert.Equal("ok", integrityAtEnd);
        var report = await CrashChecks.VerifyAsync(database, before, ledger, Ct);

        var (exit, output) = await TandemProcess.RunCommandAsync(["verify-audit"], database, dataFolder, Ct);
        Assert.True(exit == 0, $"verify-audit exited {exit}: {output}");
        Assert.Contains("Audit chain intact", output, StringComparison.Ordinal);
        DirectDb.ClearPools(database);

        var unacknowledged = ledger.All.Count(w => w.Outcome == WriteOutcome.Unacknowledged);
        var present = landed.Count(w => w.Outcome == WriteOutcome.Unacknowledged);
        var absent = unacknowledged - present;
        Trace(
            $"{kills} kills in {clock.Elapsed.TotalSeconds:F0} s; {ledger.All.Count} writes sent: {report.Acknowledged} acknowledged, {unacknowledged} unacknowledged " +
            $"({present} present, {absent} absent), {retried} unanswered responses retried with their key, {ledger.All.Count(w => w.Outcome == WriteOutcome.Refused)} refused (4xx, all absent); " +
            $"{report.Responses} responses, {report.Messages} messages, {report.PlanVersions} plan versions, {report.Alerts} alerts checked against {report.AuditEntries} audit entries");
        Figures.Print($"crash test ({provider}): {kills} kills, {report.Acknowledged} acknowledged writes, 0 lost, {unacknowledged} unacknowledged " +
            $"({present} present, {absent} absent), integrity ok, audit ok ({clock.Elapsed.TotalSeconds:F0} s)");
    }

    private static void Trace(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        if (Environment.GetEnvironmentVariable("TANDEM_CRASH_VERBOSE") is "1")
        {
            Console.WriteLine($"crash: {line}");
        }
    }

    private static async Task BurstAndKillAsync(TandemProcess app, CrashClients clients, WriteLedger ledger, int round, Random random)
    {
        using var stop = new CancellationTokenSource();
        var startAcks = ledger.AcknowledgedCount;
        var burst = clients.BurstAsync(app.BaseAddress, round, stop.Token);

        // Kill at a random moment once writes are flowing: after 5 to 80 acknowledgements, plus a little.
        var threshold = random.Next(5, 81);
        var waited = Stopwatch.StartNew();
        while (ledger.AcknowledgedCount - startAcks < threshold && waited.Elapsed < TimeSpan.FromSeconds(30) && !burst.IsCompleted)
        {
            await Task.Delay(5, Ct);
        }

        Assert.True(ledger.AcknowledgedCount > startAcks, $"round {round}: no write was acknowledged within 30 s\n{app.Tail()}");
        await Task.Delay(random.Next(0, 60), Ct);
        app.Kill();
        await stop.CancelAsync();
        await burst;
        await app.DisposeAsync();
    }
}
