using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Engagements;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Mail;
using Tandem.Infrastructure.Security;
using Tandem.Features.Accounts;

namespace Tandem.Features.Audit;

public sealed record SecurityLogEntry(long Id, DateTimeOffset At, string? Who, string Role, string Event, string Detail, string Outcome, string? SourceAddress);

public sealed record BreakGlassResult(Guid Id, Guid EngagementId, DateTimeOffset ExpiresAt);

/// <summary>
/// What in the security log needs the practice admin's look (issue 21): in the last 7 days, an account
/// slowed down or locked after repeated failed sign-ins, a sign-in token used twice (a possible theft:
/// that person was signed out everywhere), emergency access to a record, and a failed check of the
/// audit chain. Single failed sign-ins (typos) and everything that worked as meant do not count.
/// </summary>
public static class SecurityAttention
{
    public static readonly TimeSpan Window = TimeSpan.FromDays(7);

    /// <summary>
    /// The SQL of <see cref="InLog"/> as EF writes it, word for word: the filter of the index that holds only these entries
    /// (<c>IX_AuditEntries_SecurityLog</c>). A database uses a filtered index only for a query whose condition contains the
    /// index's own; SQLite checks it by the expression's form.
    /// </summary>
    public const string IndexFilter = "\"DataCategory\" IN ('security', 'aggregate') OR \"Purpose\" = 'break-glass' OR \"Outcome\" = 'Refused'";

    /// <summary>
    /// What the security log lists: security and aggregate entries, emergency access, and every refusal. A few thousand
    /// entries among a practice's millions of clinical reads, kept in an index of their own, so the log and the admin's
    /// count read those and not the whole trail (issue 25: the practice admin's home and the security log took 1.2 s on
    /// the large set, walking 3.8 million entries of one practice).
    /// </summary>
    public static IQueryable<AuditEntry> InLog(IQueryable<AuditEntry> entries) =>
        entries.Where(e => e.DataCategory == AuditCategories.Security || e.DataCategory == AuditCategories.Aggregate || e.Purpose == AuditPurposes.BreakGlass || e.Outcome == AuditOutcome.Refused);

    /// <summary>What needs the admin's look: a part of <see cref="InLog"/> (stated again, so the query reaches its index).</summary>
    public static IQueryable<AuditEntry> Filter(IQueryable<AuditEntry> entries, DateTimeOffset now)
    {
        var since = now - Window;
        return InLog(entries).Where(e => e.At >= since && (
            (e.DataCategory == AuditCategories.Security && (e.ObjectType == "Account.SlowedDown" || e.ObjectType == "Account.LockedOut"
                || (e.ObjectType == "SignInSession" && e.Outcome == AuditOutcome.Refused)
                || (e.ObjectType == "AuditVerification" && e.Outcome == AuditOutcome.Failure)))
            || (e.ObjectType == "BreakGlass" && e.Purpose == AuditPurposes.BreakGlass)));
    }
}

/// <summary>The practice admin's side of accountability: the security log, chain verification, break-glass.</summary>
public sealed class AuditUseCases(TandemDbContext db, CurrentUser me, AuditTrail audit, AuditVerifier verifier, TimeProvider time, MailOutbox mail, LinkBuilder links)
{
    /// <summary>Sign-ins, failures, lockouts, permission changes, break-glass and who pulled which report about a group: never clinical content.</summary>
    /// <param name="needsLook">Only what <see cref="SecurityAttention"/> says needs the admin's look (the last 7 days).</param>
    public async Task<IReadOnlyList<SecurityLogEntry>> SecurityLogAsync(long? before = null, int take = 100, bool needsLook = false, CancellationToken ct = default)
    {
        RequireAdmin();
        take = Math.Clamp(take, 1, 500);
        var query = db.AuditEntries.AsNoTracking();
        query = needsLook ? SecurityAttention.Filter(query, time.GetUtcNow()) : SecurityAttention.InLog(query);
        var entries = await query
            .Where(e => before == null || e.Id < before)
            .OrderByDescending(e => e.Id).Take(take).ToListAsync(ct);
        var ids = entries.SelectMany(e => new[] { e.UserId, e.SubjectUserId }).OfType<Guid>().Distinct().ToList();
        var names = await db.DisplayNamesAsync(ids, ct);
        await audit.RecordAsync(new AuditEvent { Action = AuditAction.Read, ObjectType = "SecurityLog", DataCategory = AuditCategories.Security, Purpose = AuditPurposes.Administration }, ct);
        return SecurityLogWords.OneEntryPerSignIn(entries).Select(e => new SecurityLogEntry(
            e.Id, e.At,
            e.UserId is { } u ? names.GetValueOrDefault(u, "Former member") : null,
            SecurityLogWords.Role(e.Role),
            SecurityLogWords.Describe(e),
            e.SubjectUserId is { } s && s != e.UserId ? $"about {names.GetValueOrDefault(s, "a former member")}" : SecurityLogWords.Detail(e),
            SecurityLogWords.Outcome(e.Outcome),
            e.SourceAddress)).ToList();
    }

    public async Task<AuditVerification> VerifyAsync(CancellationToken ct = default)
    {
        RequireAdmin();
        var result = await verifier.VerifyAsync(me.PracticeId, ct);
        await audit.RecordAsync(new AuditEvent { Action = AuditAction.Execute, ObjectType = "AuditVerification", DataCategory = AuditCategories.Security, Purpose = AuditPurposes.Administration, Outcome = result.Ok ? AuditOutcome.Success : AuditOutcome.Failure }, ct);
        return result;
    }

    public async Task<BreakGlassResult> BreakGlassAsync(Guid engagementId, string? reason, CancellationToken ct = default)
    {
        RequireAdmin();
        var engagement = await db.Engagements.Include(e => e.Participants).FirstOrDefaultAsync(e => e.Id == engagementId, ct)
            ?? throw DomainException.NotFound();
        var grant = BreakGlassGrant.Open(engagement, me.Id, reason, time.GetUtcNow());
        db.Set<BreakGlassGrant>().Add(grant);
        audit.Stage(new AuditEvent
        {
            Action = AuditAction.Execute,
            ObjectType = "BreakGlass",
            ObjectId = grant.Id.ToString(),
            EngagementId = engagementId,
            DataCategory = AuditCategories.Clinical,
            Purpose = AuditPurposes.BreakGlass,
        });
        var participantIds = engagement.ActiveParticipants.Select(p => p.UserId).ToList();
        var emails = await db.Users.Where(u => participantIds.Contains(u.Id) && u.IsActive).Select(u => u.Email!).ToListAsync(ct);
        foreach (var email in emails)
        {
            mail.Enqueue(engagement.PracticeId, email, "Emergency access to a record in Tandem",
                "Someone at your practice opened a record you are part of, using emergency access. Tandem asks them for a reason and limits the access to one hour.\n\n" +
                $"You can see who, when and why in the access log: {links.Engagement(engagement.Id)}/access-log\n", "break-glass");
        }

        await db.SaveChangesAsync(ct);
        return new BreakGlassResult(grant.Id, engagementId, grant.ExpiresAt);
    }

    private void RequireAdmin()
    {
        if (!me.IsAdmin)
        {
            throw DomainException.NotFound();
        }
    }
}
