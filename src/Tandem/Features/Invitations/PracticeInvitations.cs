using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Mail;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Invitations;

/// <summary>
/// An invitation still waiting for its person, as the practice admin sees it: to whom, which role,
/// who sent it and until when it works. A client's invitation belongs to an engagement; its title
/// stays out of sight (the admin sees who is in which engagement, not what it is about).
/// </summary>
public sealed record PendingInvitation(Guid Id, string Email, string Role, string? InvitedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, bool Expired, bool ForEngagement);

/// <summary>
/// The practice admin's pending invitations (issue 21): the list, a resend (a new link; the old one
/// dies at once; mail through the outbox) and a cancel. Both are audited. Therapists are invited to
/// the practice, and so are clients (their home says the therapist opens the shared space; the
/// therapist's own invitations join them to an engagement), so the admin resends or withdraws any.
/// </summary>
public sealed class PracticeInvitations(
    TandemDbContext db,
    CurrentUser me,
    AuditTrail audit,
    TimeProvider time,
    MailOutbox mail,
    LinkBuilder links,
    UserManager<TandemUser> users)
{
    public const int MaxListed = 200;

    public async Task<IReadOnlyList<PendingInvitation>> ListAsync(PeopleQuery? query = null, CancellationToken ct = default)
    {
        RequireAdmin();
        var q = (query ?? new PeopleQuery()).Checked();
        if (!q.WantsInvitations)
        {
            return [];
        }

        var now = time.GetUtcNow();
        var practiceId = me.PracticeId;
        var pending = db.Invitations.AsNoTracking().Where(i => i.PracticeId == practiceId && i.AcceptedAt == null && i.CancelledAt == null);
        if (q.Search is { } search)
        {
            // Invitation addresses are stored in lower case.
            var lower = search.ToLowerInvariant();
            pending = pending.Where(i => i.Email.Contains(lower));
        }

        if (q.Role is { } role)
        {
            var wanted = role == nameof(PersonRole.Client) ? ParticipantRole.Client : role == nameof(PersonRole.Therapist) ? ParticipantRole.Therapist : (ParticipantRole?)null;
            pending = wanted is { } r ? pending.Where(i => i.Role == r) : pending.Where(i => false);
        }

        var rows = await pending
            .OrderByDescending(i => i.CreatedAt).Take(MaxListed)
            .Select(i => new
            {
                i.Id, i.Email, i.Role, i.CreatedAt, i.ExpiresAt, i.EngagementId,
                InvitedBy = db.Users.Where(u => u.Id == i.InvitedBy).Select(u => u.DisplayName).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return rows.Select(i => new PendingInvitation(i.Id, i.Email, i.Role.ToString(), i.InvitedBy, i.CreatedAt, i.ExpiresAt, i.ExpiresAt <= now, i.EngagementId is not null)).ToList();
    }

    /// <summary>Waiting invitations that still work (the admin home's count).</summary>
    public Task<int> CountWaitingAsync(CancellationToken ct = default)
    {
        RequireAdmin();
        var practiceId = me.PracticeId;
        return db.Invitations.CountAsync(i => i.PracticeId == practiceId && i.AcceptedAt == null && i.CancelledAt == null, ct);
    }

    public async Task<InviteResult> ResendAsync(Guid id, CancellationToken ct = default)
    {
        var invitation = await FindAsync(id, ct);
        var now = time.GetUtcNow();
        if (invitation.EngagementId is { } engagementId)
        {
            var engagement = await db.Engagements.AsNoTracking().FirstAsync(e => e.Id == engagementId, ct);
            engagement.EnsureNotEnded();
        }

        var token = invitation.Renew(now);
        var url = links.Invitation(token);
        bool hasAccount;
        using (db.Tenant.AsSystem())
        {
            var normalised = users.NormalizeEmail(invitation.Email);
            hasAccount = await db.Users.AnyAsync(u => u.NormalizedEmail == normalised, ct);
        }

        mail.Enqueue(invitation.PracticeId, invitation.Email, "You're invited to Tandem", InvitationMail.Body(InvitationMail.Purpose(invitation), hasAccount, url, resent: true), "invitation");
        Stage(invitation, "Invitation.Resent");
        await db.SaveChangesAsync(ct);
        return new InviteResult(invitation.Id, url, invitation.ExpiresAt);
    }

    public async Task CancelAsync(Guid id, CancellationToken ct = default)
    {
        var invitation = await FindAsync(id, ct);
        invitation.Cancel(time.GetUtcNow());
        Stage(invitation, "Invitation.Cancelled");
        await db.SaveChangesAsync(ct);
    }

    private async Task<Invitation> FindAsync(Guid id, CancellationToken ct)
    {
        RequireAdmin();
        var practiceId = me.PracticeId;
        return await db.Invitations.FirstOrDefaultAsync(i => i.Id == id && i.PracticeId == practiceId, ct) ?? throw DomainException.NotFound();
    }

    private void Stage(Invitation invitation, string what) => audit.Stage(new AuditEvent
    {
        Action = AuditAction.Update,
        ObjectType = what,
        ObjectId = invitation.Id.ToString(),
        EngagementId = invitation.EngagementId,
        DataCategory = AuditCategories.Administrative,
        Purpose = AuditPurposes.Administration,
    });

    private void RequireAdmin()
    {
        if (!me.IsAdmin)
        {
            throw DomainException.NotFound();
        }
    }
}

/// <summary>The invitation email's words, the same for a first invitation and a resent one.</summary>
internal static class InvitationMail
{
    /// <summary>Why the person is invited, finishing "You have been invited ...".</summary>
    public static string Purpose(Invitation invitation) => invitation switch
    {
        { EngagementId: not null } => "to start working together in Tandem",
        { Role: ParticipantRole.Client } => "to join your therapy practice in Tandem as a client. Your therapist then opens your shared space with you",
        _ => "to join your practice in Tandem as a therapist",
    };

    public static string Body(string purpose, bool hasAccount, string url, bool resent = false)
    {
        var how = hasAccount
            ? "This email address already has a Tandem account. Open this link and sign in with that account to accept (the link works once and for 7 days)"
            : "Open this link to accept (it works once and for 7 days)";
        var again = resent ? "\n\nThis is a new link: any earlier one no longer works." : "";
        return $"Hello,\n\nYou have been invited {purpose}.{again}\n\n{how}:\n{url}\n\nIf you did not expect this, you can ignore this email.\n";
    }
}
