using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Sessions;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Audit;

/// <summary>
/// Every write that keeps the audit trail takes its locks in one order: the rows it changes first, the practice's audit
/// chain head last (several heads in the order of their practices). Before, a save locked the chain head and then its
/// rows, while the reminder sweep claimed its sessions and then chained its entries: a therapist cancelling a session
/// as its reminder went out met the sweep in a deadlock on PostgreSQL, and was answered 500 (CI, stop 49). SQLite takes
/// one write lock for the whole database, so there the same steps simply queue; both databases run the test.
/// </summary>
public sealed class WriteLockOrderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_therapist_cancelling_a_session_while_its_reminder_is_claimed_is_answered_and_both_writes_land()
    {
        await using var app = await TandemApp.StartAsync(settings: new() { ["Sessions:ReminderInterval"] = "30.00:00:00" });
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var created = await alex.PostJsonAsync($"/api/engagements/{sams}/sessions",
            new { startsAt = app.Clock.GetUtcNow().AddHours(2), durationMinutes = 50, location = "Room 2" }, HttpStatusCode.Created);
        var session = created.Id();

        // The sweep's unit of work, step by step (SessionReminders.QueueDueAsync): claim the session, then chain its entry.
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
        using var system = db.Tenant.AsSystem();
        var tx = await db.Database.BeginTransactionAsync(Ct);
        var now = app.Clock.GetUtcNow();
        var practiceId = await db.Set<Session>().Where(s => s.Id == session).Select(s => s.PracticeId).SingleAsync(Ct);
        Assert.Equal(1, await db.Set<Session>().Where(s => s.Id == session && s.ReminderQueuedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.ReminderQueuedAt, now), Ct));

        // Alex cancels it meanwhile: the change waits for the claimed row.
        var cancel = alex.PostAsync($"/api/sessions/{session}/status", JsonContent.Create(new { status = "Cancelled" }), Ct);
        await WaitUntilBlockedAsync(app);

        audit.Stage(Event(practiceId, sams, "SessionReminder", session.ToString()) with { Purpose = "reminder" });
        await db.SaveChangesAsync(Ct);
        await tx.CommitAsync(Ct);
        await tx.DisposeAsync();

        using var answer = await cancel;
        var body = await answer.Content.ReadAsStringAsync(Ct);
        Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{(int)answer.StatusCode}: {body}");

        await app.WithDbAsync(async check =>
        {
            var stored = await check.Set<Session>().AsNoTracking().SingleAsync(s => s.Id == session, Ct);
            Assert.Equal(SessionStatus.Cancelled, stored.Status);
            Assert.NotNull(stored.ReminderQueuedAt);
            var entries = await check.AuditEntries.AsNoTracking().Where(e => e.ObjectId == session.ToString()).Select(e => e.ObjectType).ToListAsync(Ct);
            Assert.Contains("SessionReminder", entries);
            Assert.Contains("Session", entries);
        });
        var verified = await app.Service<AuditVerifier>().VerifyAsync(ct: Ct);
        Assert.True(verified.Ok, verified.ToString());
    }

    [Fact]
    public async Task Two_writers_chaining_entries_of_the_same_two_practices_in_opposite_orders_both_commit()
    {
        await using var app = await TandemApp.StartAsync();
        var (riverside, harbor) = (Guid.Empty, Guid.Empty);
        await app.WithDbAsync(async db =>
        {
            riverside = await db.Users.Where(u => u.Email == "admin@riverside.test").Select(u => u.PracticeId).SingleAsync(Ct);
            harbor = await db.Users.Where(u => u.Email == "admin@harbor.test").Select(u => u.PracticeId).SingleAsync(Ct);
        });
        var keys = app.Service<AuditChainKeys>();
        var (low, high) = riverside.CompareTo(harbor) < 0 ? (riverside, harbor) : (harbor, riverside);

        // The first writer chains an entry of one practice and holds its head; the second is handed entries of the other
        // practice first, then of the first one; then the first writer chains one of the other practice's entries in the
        // same transaction. Taken in the order they were handed over, the two heads deadlock.
        await using var first = app.Services.CreateAsyncScope();
        await using var second = app.Services.CreateAsyncScope();
        var db1 = first.ServiceProvider.GetRequiredService<TandemDbContext>();
        var db2 = second.ServiceProvider.GetRequiredService<TandemDbContext>();
        using var system1 = db1.Tenant.AsSystem();
        using var system2 = db2.Tenant.AsSystem();
        var tx1 = await db1.Database.BeginTransactionAsync(Ct);
        await AuditChain.AppendAsync(db1, keys, [Event(low)], Ct);

        var secondWrite = Task.Run(async () =>
        {
            await using var tx2 = await db2.Database.BeginTransactionAsync(Ct);
            await AuditChain.AppendAsync(db2, keys, [Event(high), Event(low)], Ct);
            await db2.SaveChangesAsync(Ct);
            await tx2.CommitAsync(Ct);
        }, Ct);
        await WaitUntilBlockedAsync(app);

        await AuditChain.AppendAsync(db1, keys, [Event(high)], Ct);
        await db1.SaveChangesAsync(Ct);
        await tx1.CommitAsync(Ct);
        await tx1.DisposeAsync();
        await secondWrite;

        var verified = await app.Service<AuditVerifier>().VerifyAsync(ct: Ct);
        Assert.True(verified.Ok, verified.ToString());
        await app.WithDbAsync(async db =>
        {
            var written = await db.AuditEntries.AsNoTracking().CountAsync(e => e.ObjectType == "LockOrderProbe", Ct);
            Assert.Equal(4, written);
        });
    }

    [Fact]
    public async Task A_unit_of_work_of_several_saves_chains_its_entries_at_commit_so_a_message_written_meanwhile_is_answered()
    {
        // The shape of accepting an invitation as a new person: a first save that is audited (the account), then a change
        // to the engagement's row (the new participant), in one transaction. Sam writes a message meanwhile: the message
        // writer locks the engagement's row first (to number the thread), then chains its entry.
        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var sam = await app.ClientForAsync("sam@riverside.test");

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
        using var system = db.Tenant.AsSystem();
        var practiceId = await db.Engagements.Where(e => e.Id == sams).Select(e => e.PracticeId).SingleAsync(Ct);
        var tx = await db.Database.BeginTransactionAsync(Ct);
        audit.Stage(Event(practiceId, sams));
        await db.SaveChangesAsync(Ct);

        // Chained at commit, the first save holds nothing yet: the message goes through (before, it waited for the head).
        var message = sam.PostAsync($"/api/engagements/{sams}/messages", JsonContent.Create(new { body = "Running late, there in ten" }), Ct);
        await WaitUntilBlockedAsync(app, message);
        await db.Engagements.Where(e => e.Id == sams).ExecuteUpdateAsync(u => u.SetProperty(e => e.Version, e => e.Version), Ct);
        await tx.CommitAsync(Ct);
        await tx.DisposeAsync();

        using var answer = await message;
        var body = await answer.Content.ReadAsStringAsync(Ct);
        Assert.True(answer.StatusCode == HttpStatusCode.Created, $"{(int)answer.StatusCode}: {body}");
        await app.WithDbAsync(async check =>
            Assert.Equal(1, await check.AuditEntries.AsNoTracking().CountAsync(e => e.ObjectType == "LockOrderProbe", Ct)));
        var verified = await app.Service<AuditVerifier>().VerifyAsync(ct: Ct);
        Assert.True(verified.Ok, verified.ToString());
    }

    [Fact]
    public async Task A_write_the_database_gives_up_on_is_answered_503_in_words_and_nothing_of_it_is_kept()
    {
        // Only PostgreSQL can be made to pick a victim on demand; SQLite queues writers (30 s) and answers the same way after.
        if (TestEnvironment.Provider != TestProvider.Postgres)
        {
            return;
        }

        await using var app = await TandemApp.StartAsync();
        var sams = await Demo.SamsEngagementAsync(app);
        using var alex = await app.ClientForAsync("alex@riverside.test");
        var created = await alex.PostJsonAsync($"/api/engagements/{sams}/sessions",
            new { startsAt = app.Clock.GetUtcNow().AddHours(2), durationMinutes = 50, location = "Room 2" }, HttpStatusCode.Created);
        var session = created.Id();

        // Something outside Tandem's own order (an operator's hand-written transaction): the chain head first, then the row.
        await using var raw = await app.OpenRawConnectionAsync();
        await using var tx = await raw.BeginTransactionAsync(Ct);
        // The request's backend looks for a deadlock after PostgreSQL's default second, this one only after ten: the
        // request is always the one given up on (with equal timeouts a busy machine sometimes picked this side).
        await Raw(raw, tx, "SET LOCAL deadlock_timeout = '10s'");
        await Raw(raw, tx, $"""SELECT 1 FROM "AuditChainHeads" WHERE "PracticeId" = (SELECT "PracticeId" FROM "Sessions" WHERE "Id" = '{session}') FOR UPDATE""");
        var cancel = alex.PostAsync($"/api/sessions/{session}/status", JsonContent.Create(new { status = "Cancelled" }), Ct);
        await WaitUntilBlockedAsync(app);
        await Raw(raw, tx, $"""UPDATE "Sessions" SET "Location" = "Location" WHERE "Id" = '{session}'""");
        await tx.RollbackAsync(Ct);

        using var answer = await cancel;
        var body = await answer.Content.ReadAsStringAsync(Ct);
        Assert.True(answer.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)answer.StatusCode}: {body}");
        Assert.Contains("was not saved. Try again in a moment.", body, StringComparison.Ordinal);
        Assert.Equal("2", answer.Headers.RetryAfter?.ToString());
        var view = await alex.GetJsonAsync($"/api/sessions/{session}");
        Assert.Equal("Scheduled", view.Str("status"));
        var verified = await app.Service<AuditVerifier>().VerifyAsync(ct: Ct);
        Assert.True(verified.Ok, verified.ToString());
    }

    private static async Task Raw(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction tx, string sql)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static AuditEvent Event(Guid practiceId, Guid? engagementId = null, string type = "LockOrderProbe", string? id = null) => new()
    {
        Action = AuditAction.Execute,
        ObjectType = type,
        ObjectId = id ?? practiceId.ToString(),
        EngagementId = engagementId,
        PracticeId = practiceId,
        DataCategory = AuditCategories.Administrative,
        Role = "System",
    };

    /// <summary>
    /// Until another statement waits for a lock. PostgreSQL says so in <c>pg_stat_activity</c>; SQLite's writers wait inside
    /// their busy timeout, which nothing outside can see, so there the test gives the other writer a moment to reach it.
    /// With <paramref name="orDone"/>, that request may also simply finish without waiting for anything.
    /// </summary>
    private static async Task WaitUntilBlockedAsync(TandemApp app, Task? orDone = null)
    {
        await using var raw = await app.OpenRawConnectionAsync();
        if (raw is not Npgsql.NpgsqlConnection)
        {
            await Task.Delay(500, Ct);
            return;
        }

        var until = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < until && orDone?.IsCompleted != true)
        {
            await using var command = raw.CreateCommand();
            command.CommandText = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";
            if ((long)(await command.ExecuteScalarAsync(Ct))! > 0)
            {
                return;
            }

            await Task.Delay(20, Ct);
        }

        Assert.True(orDone?.IsCompleted == true, "The other writer never reached the lock it waits for.");
    }
}
