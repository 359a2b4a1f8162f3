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

public sealed record InviteResult(Guid InvitationId, string InviteUrl, DateTimeOffset ExpiresAt);

public sealed record AcceptInvitationCommand(string DisplayName, string Password);

/// <summary>
/// What accepting did. <see cref="EmailSent"/>: the address already has a Tandem account and nobody
/// was signed in with it, so nothing changed and its owner was emailed how to finish (issue 19, finding 8).
/// </summary>
public sealed record AcceptResult(Guid? UserId, Guid? EngagementId, bool CreatedAccount, bool EmailSent = false);

/// <summary>
/// What the person holding an invitation link sees before accepting. It never says whether the address
/// already has a Tandem account: whoever sent the invitation holds the link too (issue 19, finding 8).
/// </summary>
public sealed record InvitationPreview(string Email, string Role, string PracticeName, string? InvitedByName, DateTimeOffset ExpiresAt);

public sealed class InvitationUseCases(
    TandemDbContext db,
    EngagementAccess access,
    CurrentUser me,
    AuditTrail audit,
    TimeProvider time,
    MailOutbox mail,
    LinkBuilder links,
    UserManager<TandemUser> users)
{
    /// <summary>Why an engagement's invitation is for clients only (issue 19, finding 3).</summary>
    public const string ClientsOnly = "An invitation to an engagement is for a client. To work with a co-therapist, choose them from your practice's therapists; only the practice admin adds new staff.";

    /// <summary>
    /// A therapist of the engagement invites a client by email. Never staff: a link that made a therapist
    /// account would let any therapist mint colleagues who read the client's record, unseen by the client.
    /// Co-therapists are chosen from the practice's staff (<see cref="Engagements.CoTherapists"/>).
    /// </summary>
    public async Task<InviteResult> InviteToEngagementAsync(Guid engagementId, string email, ParticipantRole role, CancellationToken ct = default)
    {
        var engagement = await access.RequireTherapistAsync(engagementId, "Invitation", ct);
        engagement.EnsureNotEnded();
        if (role != ParticipantRole.Client)
        {
            throw new DomainException(ClientsOnly, DomainError.Invalid, new Dictionary<string, string[]> { ["role"] = [ClientsOnly] });
        }

        var (invitation, token) = Invitation.Create(engagement.PracticeId, engagement.Id, email, role, me.Id, time.GetUtcNow());
        var normalised = users.NormalizeEmail(invitation.Email);
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalised && u.Role == PersonRole.PracticeAdmin, ct))
        {
            throw new DomainException("That address belongs to the practice admin account, which cannot join an engagement.", DomainError.Conflict);
        }

        return await SaveAsync(invitation, token, "to start working together in Tandem", ct);
    }

    /// <summary>
    /// The practice admin invites a therapist or a client to the practice (no engagement, issue 21). A client
    /// invited this way has an account and a home that says their therapist opens the shared space; the
    /// therapist then invites that address to the engagement as for anyone (signed in, they accept in one click).
    /// The admin never makes an engagement: that is the therapist's and the client's work.
    /// </summary>
    public async Task<InviteResult> InviteToPracticeAsync(string email, ParticipantRole role = ParticipantRole.Therapist, CancellationToken ct = default)
    {
        if (!me.IsAdmin)
        {
            throw DomainException.NotFound();
        }

        var now = time.GetUtcNow();
        if (!Enum.IsDefined(role))
        {
            const string said = "Choose whether you invite a therapist or a client.";
            throw new DomainException(said, DomainError.Invalid, new Dictionary<string, string[]> { ["role"] = [said] });
        }

        var (invitation, token) = Invitation.Create(me.PracticeId, null, email, role, me.Id, now);

        // Issue 21: no duplicate mail. Someone who already has an account in this practice is told
        // about, not invited again (the admin sees the practice's people anyway; other practices'
        // accounts are not looked at, so nothing leaks across practices).
        var normalised = users.NormalizeEmail(invitation.Email);
        var existing = await db.Users.AsNoTracking()
            .Where(u => u.PracticeId == me.PracticeId && u.NormalizedEmail == normalised)
            .Select(u => new { u.DisplayName, u.Role, u.IsActive }).FirstOrDefaultAsync(ct);
        if (existing is not null)
        {
            var what = existing.Role switch { PersonRole.Therapist => "a therapist", PersonRole.Client => "a client", _ => "the practice admin" };
            var state = existing.IsActive ? "" : " (deactivated: reactivate the account from the list below instead)";
            var said = $"{invitation.Email} already has an account in this practice, as {what}: {existing.DisplayName}{state}. No invitation was sent.";
            throw new DomainException(said, DomainError.Conflict, new Dictionary<string, string[]> { ["email"] = [said] });
        }

        var waiting = await db.Set<Invitation>().AsNoTracking()
            .Where(i => i.PracticeId == me.PracticeId && i.EngagementId == null && i.Email == invitation.Email && i.AcceptedAt == null && i.CancelledAt == null && i.ExpiresAt > now)
            .OrderByDescending(i => i.CreatedAt).Select(i => (DateTimeOffset?)i.CreatedAt).FirstOrDefaultAsync(ct);
        if (waiting is { } sentAt)
        {
            var said = $"An invitation to {invitation.Email} is already waiting (sent {sentAt:d MMMM yyyy}, valid for 7 days). No second one was sent.";
            throw new DomainException(said, DomainError.Conflict, new Dictionary<string, string[]> { ["email"] = [said] });
        }

        return await SaveAsync(invitation, token, InvitationMail.Purpose(invitation), ct);
    }

    public async Task<(Invitation Invitation, InvitationPreview Preview)> PreviewAsync(string token, CancellationToken ct = default)
    {
        var invitation = await FindAsync(token, ct);
        using var practice = db.Tenant.Use(invitation.PracticeId);
        if (invitation.Problem(time.GetUtcNow()) is { } problem)
        {
            throw new DomainException(problem, DomainError.Gone);
        }

        var practiceName = await db.Practices.Where(p => p.Id == invitation.PracticeId).Select(p => p.Name).FirstAsync(ct);
        var inviter = await db.Users.Where(u => u.Id == invitation.InvitedBy).Select(u => u.DisplayName).FirstOrDefaultAsync(ct);
        return (invitation, new InvitationPreview(invitation.Email, invitation.Role.ToString(), practiceName, inviter, invitation.ExpiresAt));
    }

    /// <summary>
    /// Accepting creates the account (for an address new to Tandem) or, for someone already
    /// signed in with the invited address, joins them. Anything else changes nothing.
    /// </summary>
    /// <summary>One sentence whether or not the invited address has an account: a signed-in inviter learns nothing from it.</summary>
    private const string DifferentAddress = "This invitation is for a different email address than the one you are signed in with. Sign out first. Nothing was changed.";

    public async Task<AcceptResult> AcceptAsync(string token, AcceptInvitationCommand? command, CancellationToken ct = default)
    {
        var invitation = await FindAsync(token, ct);
        var now = time.GetUtcNow();
        if (invitation.Problem(now) is { } problem)
        {
            await RecordRefusalAsync(invitation, ct);
            throw new DomainException(problem, DomainError.Gone);
        }

        TandemUser? existing;
        using (db.Tenant.AsSystem())
        {
            existing = await users.FindByEmailAsync(invitation.Email);
        }

        // Every refusal is decided (and audited) before the write transaction opens: the audit
        // writer needs the database too.
        if (existing is not null && !me.IsSignedIn)
        {
            // Whoever holds the link (the inviter too) must not learn that the address has an account
            // somewhere: the same checks and work as creating one, then its owner is told, privately.
            return await TellExistingOwnerAsync(invitation, token, existing, command, ct);
        }

        if (existing is not null && me.Id != existing.Id)
        {
            await RecordRefusalAsync(invitation, ct);
            throw new DomainException(DifferentAddress, DomainError.Conflict);
        }

        if (existing is not null && (existing.PracticeId != invitation.PracticeId || !IsCompatible(existing.Role, invitation.Role)))
        {
            await RecordRefusalAsync(invitation, ct);
            throw new DomainException("This invitation cannot be used with your account. Ask whoever invited you to get in touch.", DomainError.Conflict);
        }

        if (existing is null && me.IsSignedIn)
        {
            await RecordRefusalAsync(invitation, ct);
            throw new DomainException(DifferentAddress, DomainError.Conflict);
        }

        using var practice = db.Tenant.Use(invitation.PracticeId);
        var timeZone = await PracticeTimeZoneAsync(invitation.PracticeId, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        TandemUser user;
        var created = false;
        if (existing is not null)
        {
            user = existing;
        }
        else
        {
            user = TandemUser.Create(invitation.PracticeId, invitation.Email, command?.DisplayName ?? "",
                invitation.Role == ParticipantRole.Therapist ? PersonRole.Therapist : PersonRole.Client, timeZone, now);
            var result = await users.CreateAsync(user, command?.Password ?? "");
            if (!result.Succeeded)
            {
                throw new DomainException("The account could not be created.", DomainError.Invalid,
                    new Dictionary<string, string[]> { ["password"] = result.Errors.Select(e => e.Description).ToArray() });
            }

            created = true;
        }

        invitation.Accept(user.Id, now);
        if (invitation.EngagementId is { } engagementId)
        {
            var engagement = await db.Engagements.Include(e => e.Participants).FirstAsync(e => e.Id == engagementId, ct);
            engagement.Add(user.Id, invitation.Role, now);
        }

        audit.Stage(new AuditEvent
        {
            Action = AuditAction.Update,
            ObjectType = "Invitation",
            ObjectId = invitation.Id.ToString(),
            EngagementId = invitation.EngagementId,
            SubjectUserId = user.Id,
            UserId = user.Id,
            Role = user.Role.ToString(),
            PracticeId = invitation.PracticeId,
            DataCategory = AuditCategories.Clinical,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new AcceptResult(user.Id, invitation.EngagementId, created);
    }

    /// <summary>
    /// Someone not signed in tried to accept for an address that already has an account. The answer must
    /// not differ from creating one in anything the link holder can see but its outcome, and that outcome
    /// is not silent: the same checks (name, password rules) and the same password hashing run, nothing
    /// changes, the invitation stays usable, and the account's owner is emailed how to finish.
    /// </summary>
    private async Task<AcceptResult> TellExistingOwnerAsync(Invitation invitation, string token, TandemUser existing, AcceptInvitationCommand? command, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var probe = TandemUser.Create(invitation.PracticeId, invitation.Email, command?.DisplayName ?? "", PersonRole.Client, "UTC", now);
        var errors = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var checkedPassword = await validator.ValidateAsync(users, probe, command?.Password ?? "");
            errors.AddRange(checkedPassword.Errors.Select(e => e.Description));
        }

        if (errors.Count > 0)
        {
            throw new DomainException("The account could not be created.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["password"] = [.. errors] });
        }

        users.PasswordHasher.HashPassword(probe, command?.Password ?? "");
        await RecordRefusalAsync(invitation, ct);
        using (db.Tenant.AsSystem())
        {
            mail.Enqueue(existing.PracticeId, existing.Email!, "You're invited to Tandem",
                "Hello,\n\nSomeone opened an invitation to Tandem for this email address and tried to create a new account with it. " +
                "This address already has a Tandem account, so nothing was created or changed.\n\n" +
                $"If it was you: sign in with your existing account, then open the invitation link again:\n{links.Invitation(token)}\n\n" +
                "If it was not you, you can ignore this email.\n", "invitation");
            await db.SaveChangesAsync(ct);
        }

        return new AcceptResult(null, null, false, EmailSent: true);
    }

    private static bool IsCompatible(PersonRole account, ParticipantRole invited) =>
        invited == ParticipantRole.Therapist ? account == PersonRole.Therapist : account == PersonRole.Client;

    private async Task<string> PracticeTimeZoneAsync(Guid practiceId, CancellationToken ct) =>
        await db.Practices.Where(p => p.Id == practiceId).Select(p => p.TimeZone).FirstAsync(ct);

    private async Task<Invitation> FindAsync(string token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100)
        {
            throw new DomainException("This invitation link is not valid. Check that you copied all of it.", DomainError.NotFound);
        }

        var hash = Invitation.HashToken(token);
        using (db.Tenant.AsSystem())
        {
            return await db.Invitations.FirstOrDefaultAsync(i => i.TokenHash == hash, ct)
                ?? throw new DomainException("This invitation link is not valid. Check that you copied all of it.", DomainError.NotFound);
        }
    }

    /// <summary>
    /// Saves the invitation and emails it. Whether the address already has a Tandem account (in this
    /// practice or any other) changes only a sentence of the email, which only the invitee reads: the
    /// inviter gets the same answer after the same work either way (issue 19, finding 8).
    /// </summary>
    private async Task<InviteResult> SaveAsync(Invitation invitation, string token, string purpose, CancellationToken ct)
    {
        db.Invitations.Add(invitation);
        var url = links.Invitation(token);
        bool hasAccount;
        using (db.Tenant.AsSystem())
        {
            var normalised = users.NormalizeEmail(invitation.Email);
            hasAccount = await db.Users.AnyAsync(u => u.NormalizedEmail == normalised, ct);
        }

        mail.Enqueue(invitation.PracticeId, invitation.Email, "You're invited to Tandem", InvitationMail.Body(purpose, hasAccount, url), "invitation");
        audit.Stage(new AuditEvent
        {
            Action = AuditAction.Create,
            ObjectType = "Invitation",
            ObjectId = invitation.Id.ToString(),
            EngagementId = invitation.EngagementId,
            DataCategory = invitation.EngagementId is null ? AuditCategories.Administrative : AuditCategories.Clinical,
            Purpose = invitation.EngagementId is null ? AuditPurposes.Administration : AuditPurposes.Treatment,
        });
        await db.SaveChangesAsync(ct);
        return new InviteResult(invitation.Id, url, invitation.ExpiresAt);
    }

    private Task RecordRefusalAsync(Invitation invitation, CancellationToken ct) => audit.RecordAsync(new AuditEvent
    {
        Action = AuditAction.Update,
        ObjectType = "Invitation",
        ObjectId = invitation.Id.ToString(),
        EngagementId = invitation.EngagementId,
        PracticeId = invitation.PracticeId,
        DataCategory = AuditCategories.Security,
        Outcome = AuditOutcome.Refused,
        Purpose = AuditPurposes.AccessControl,
    }, ct);
}
