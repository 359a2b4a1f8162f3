using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Audit;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Data;

/// <summary>
/// A practice's data version (issue 25): a new random token each time anything of the practice's record changes,
/// written in the same transaction as the change. A view kept in memory (<see cref="Infrastructure.Caching.ViewCache"/>)
/// is only used while the token it was made under is still the current one, so a write is seen by the very next
/// view, by its author and everyone else, on every node that shares the database: nothing else has to carry the news.
/// </summary>
public sealed class DataVersion : IPracticeScoped
{
    private DataVersion()
    {
    }

    public Guid PracticeId { get; private set; }

    public Guid Token { get; private set; }
}

internal sealed class DataVersionConfiguration : IEntityTypeConfiguration<DataVersion>
{
    public void Configure(EntityTypeBuilder<DataVersion> builder)
    {
        builder.ToTable("DataVersions");
        builder.HasKey(v => v.PracticeId);
    }
}

/// <summary>Which changes move a practice's <see cref="DataVersion"/>, and reading it.</summary>
public static class DataVersions
{
    /// <summary>
    /// What every read writes (the audit trail and its counts) and the installation's cookie keys: rows no cached view
    /// shows. A view that showed one of these could not be cached. Every other change moves the version.
    /// </summary>
    private static readonly HashSet<Type> Unversioned =
    [
        typeof(AuditEntry),
        typeof(AuditListRead),
        typeof(AuditChainHead),
        typeof(AccessReadCount),
        typeof(DataVersion),
        typeof(Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey),
        // How people sign in, and the mail on its way: written by every sign-in and every mail sent, shown on no kept view.
        typeof(Features.Accounts.SignInSession),
        typeof(Infrastructure.Mail.OutboxMessage),
        typeof(Features.Sessions.CalendarFeedToken),
        typeof(Microsoft.AspNetCore.Identity.IdentityUserClaim<Guid>),
        typeof(Microsoft.AspNetCore.Identity.IdentityUserLogin<Guid>),
        typeof(Microsoft.AspNetCore.Identity.IdentityUserToken<Guid>),
        typeof(Microsoft.AspNetCore.Identity.IdentityUserPasskey<Guid>),
    ];

    /// <summary>A person's sign-in bookkeeping (failed attempts, lock-out, the row's stamp): a change of only these shows nowhere.</summary>
    private static readonly HashSet<string> SignInBookkeeping =
    [
        nameof(Features.Accounts.TandemUser.AccessFailedCount),
        nameof(Features.Accounts.TandemUser.LockoutEnd),
        nameof(Features.Accounts.TandemUser.ConcurrencyStamp),
    ];

    private static readonly object RequestKey = new();

    /// <summary>What a save changes: no practice (nothing versioned), some practices, or every practice (installation-wide rows).</summary>
    internal sealed record Affected(IReadOnlyList<Guid> Practices, bool All);

    internal static Affected? AffectedBy(ChangeTracker tracker, TenantContext tenant)
    {
        HashSet<Guid>? practices = null;
        var all = false;
        foreach (var entry in tracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted) || Unversioned.Contains(entry.Metadata.ClrType)
                || (entry is { State: EntityState.Modified, Entity: Features.Accounts.TandemUser }
                    && entry.Properties.Where(p => p.IsModified).All(p => SignInBookkeeping.Contains(p.Metadata.Name))))
            {
                continue;
            }

            if (entry.Entity is IPracticeScoped scoped && scoped.PracticeId != Guid.Empty)
            {
                (practices ??= []).Add(scoped.PracticeId);
            }
            else
            {
                // A practice itself, a user's sign-in details, the agreement text, ...: cheap to be wide about, and rare.
                all = true;
            }
        }

        // Always in the same order, so two saves never wait on each other's versions crosswise.
        return all ? new Affected([], true) : practices is null ? null : new Affected([.. practices.Order()], false);
    }

    /// <summary>What two saves of one transaction changed together, in the same order as one save's.</summary>
    internal static Affected? Merge(Affected? a, Affected? b) =>
        a is null ? b : b is null ? a : a.All || b.All ? new Affected([], true) : new Affected([.. a.Practices.Union(b.Practices).Order()], false);

    /// <summary>Moves the versions a save changed, inside the caller's transaction (so the token and the change commit together).</summary>
    internal static async Task BumpAsync(TandemDbContext db, Affected affected, CancellationToken ct)
    {
        var (statements, system) = StatementsFor(affected);
        using (system ? db.Tenant.AsSystem() : null)
        {
            foreach (var statement in statements)
            {
                await db.Database.ExecuteSqlAsync(statement, ct);
            }
        }

        Forget(db);
    }

    /// <summary>The same, for a synchronous save.</summary>
    internal static void Bump(TandemDbContext db, Affected affected)
    {
        var (statements, system) = StatementsFor(affected);
        using (system ? db.Tenant.AsSystem() : null)
        {
            foreach (var statement in statements)
            {
                db.Database.ExecuteSql(statement);
            }
        }

        Forget(db);
    }

    /// <summary>
    /// One upsert per practice changed, or one for every practice (including one that has no version yet; the practices
    /// are then read as Tandem's own system work). All share one new token.
    /// </summary>
    private static (IReadOnlyList<FormattableString> Statements, bool System) StatementsFor(Affected affected)
    {
        var token = Guid.NewGuid();
        return affected.All
            ? ([$"""
                INSERT INTO "DataVersions" ("PracticeId", "Token") SELECT "Id", {token} FROM "Practices" WHERE 1 = 1
                ON CONFLICT ("PracticeId") DO UPDATE SET "Token" = excluded."Token"
                """], true)
            : (affected.Practices.Select(practice => (FormattableString)$"""
                INSERT INTO "DataVersions" ("PracticeId", "Token") VALUES ({practice}, {token})
                ON CONFLICT ("PracticeId") DO UPDATE SET "Token" = excluded."Token"
                """).ToList(), false);
    }

    /// <summary>
    /// The practice's current token (<see cref="Guid.Empty"/> before its first change). Read once per request and kept
    /// for it, until a write in the same request moves it; outside a request (a live circuit) read every time (a circuit's HttpContext is its connection's, open for hours).
    /// </summary>
    public static Task<Guid> CurrentAsync(TandemDbContext db, Guid practiceId, CancellationToken ct)
    {
        var request = db.Tenant.Request is { Response.HasStarted: false } r ? r : null;
        if (request is null)
        {
            return ReadAsync(db, practiceId, ct);
        }

        // A page's parts load at the same moment, each in its own scope: the first to ask reads, the others share its answer.
        lock (request.Items)
        {
            if (request.Items[RequestKey] is (Guid known, Task<Guid> reading) && known == practiceId && !reading.IsFaulted && !reading.IsCanceled)
            {
                return reading;
            }

            var read = ReadAsync(db, practiceId, ct);
            request.Items[RequestKey] = (practiceId, read);
            return read;
        }
    }

    private static Task<Guid> ReadAsync(TandemDbContext db, Guid practiceId, CancellationToken ct) =>
        db.Set<DataVersion>().AsNoTracking().Where(v => v.PracticeId == practiceId).Select(v => v.Token).FirstOrDefaultAsync(ct);

    /// <summary>After a write, this request reads the version again (its next view must show the change).</summary>
    private static void Forget(TandemDbContext db)
    {
        if (db.Tenant.Request is { } request)
        {
            lock (request.Items)
            {
                request.Items.Remove(RequestKey);
            }
        }
    }
}
