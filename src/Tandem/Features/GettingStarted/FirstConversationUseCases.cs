using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Invitations;
using Tandem.Features.Measures.Scoring;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Mail;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.GettingStarted;

/// <summary>What a person sends from the request form or the API, before any checks.</summary>
public sealed record SubmitFirstConversation(
    Guid TherapistId,
    FirstConversationInput Input,
    IReadOnlyDictionary<string, string>? PreferenceAnswers,
    string? Honeypot);

/// <summary>The same answer whether the request was stored or quietly dropped as a bot's.</summary>
public sealed record SubmitFirstConversationResult(Guid Id, string Status, string Acknowledgement);

/// <summary>A request as its therapist sees it.</summary>
public sealed record FirstConversationView(
    Guid Id,
    string Name,
    string? Email,
    string? Phone,
    string Message,
    RequestedFormat PreferredFormat,
    FirstConversationStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DecidedAt,
    Guid? EngagementId,
    PreferenceResult? Preferences);

public sealed record ConvertFirstConversation(EngagementFormat? Format, string? Title, string? Email);

public sealed record ConvertResult(Guid RequestId, Guid EngagementId, Guid InvitationId, DateTimeOffset InvitationExpiresAt);

public sealed record DeclineReply(string To, string Subject, string Body);

/// <summary>
/// First-conversation requests: sent anonymously to one listed therapist, stored in that
/// therapist's practice, seen (audited) and answered only by that therapist, who turns one
/// into an engagement with an invitation, or declines it with a kind reply.
/// </summary>
public sealed class FirstConversationUseCases(
    TandemDbContext db,
    DirectoryQueries directory,
    AnonymousPreferences preferences,
    CurrentUser me,
    AuditTrail audit,
    TimeProvider time,
    MailOutbox mail,
    LinkBuilder links,
    EngagementCommands engagements,
    InvitationUseCases invitations,
    UserManager<TandemUser> users,
    Infrastructure.Caching.ViewCache cache)
{
    public const string Acknowledgement = "Thank you. Your request is on its way. The therapist will get in touch with you, usually within a few working days.";

    private const string ObjectType = "FirstConversationRequest";

    public async Task<SubmitFirstConversationResult> SubmitAsync(SubmitFirstConversation command, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!string.IsNullOrEmpty(command.Honeypot))
        {
            // A field people never see was filled in: a bot. Answer exactly as for a person; keep nothing, send nothing.
            return new SubmitFirstConversationResult(Guid.CreateVersion7(time.GetUtcNow()), nameof(FirstConversationStatus.New), Acknowledgement);
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var owner = command.TherapistId == Guid.Empty ? null : await directory.ListingOwnerAsync(command.TherapistId, ct);
        if (owner is null && command.TherapistId != Guid.Empty)
        {
            throw new DomainException("That therapist is not in the directory.", DomainError.NotFound);
        }

        if (owner is null)
        {
            errors["therapistId"] = ["Choose a therapist from the directory."];
        }

        FirstConversationRequest? request = null;
        PreferenceResult? result = null;
        try
        {
            result = preferences.ScoreOptional(command.PreferenceAnswers);
        }
        catch (DomainException e) when (e.Errors is not null)
        {
            Merge(errors, e.Errors);
        }

        if (owner is { Accepting: false })
        {
            errors["therapistId"] = ["This therapist is not taking new clients at the moment. Choose someone else in the directory."];
        }

        // A request that names no format takes the one the person's preferences check suggested, rather than losing it.
        var input = string.IsNullOrWhiteSpace(command.Input.PreferredFormat) && result?.SuggestedFormat is { } suggested
            ? command.Input with { PreferredFormat = suggested.ToString() }
            : command.Input;
        var now = time.GetUtcNow();
        try
        {
            request = FirstConversationRequest.Create(owner?.PracticeId ?? Guid.Empty, owner?.UserId ?? Guid.Empty, input, result, now);
        }
        catch (DomainException e) when (e.Errors is not null)
        {
            Merge(errors, e.Errors);
        }

        if (errors.Count > 0 || request is null || owner is not { } listing)
        {
            throw new DomainException("Some fields need attention.", DomainError.Invalid, errors);
        }

        using var practice = db.Tenant.Use(listing.PracticeId);
        db.Add(request);
        if (request.Email is { } email)
        {
            // To whatever address a stranger typed: nothing they typed comes back in it (not their "name", not their
            // message), so Tandem's own mail cannot carry someone else's words, let alone a link (issue 19, finding 9).
            mail.Enqueue(listing.PracticeId, email, "Your request for a first conversation",
                $"Hello,\n\nThank you for your request for a first conversation. It has reached the therapist you chose, who will get in touch with you, usually within a few working days.\n\nA first conversation is a chance to ask questions and see whether working together feels right. It commits you to nothing.\n\nIf you are in crisis or in danger, please do not wait: call your local emergency number.\n\nIf you did not send this request, you can ignore this email.\n",
                "first-conversation-ack");
        }

        // To the therapist: that there is a request, and where; never what it says.
        mail.Enqueue(listing.PracticeId, listing.Email, "You have a new first-conversation request",
            $"Hello,\n\nYou have a new first-conversation request in Tandem.\n\nOpen it here (sign in first):\n{RequestLink(request.Id)}\n",
            "first-conversation-new");
        audit.Stage(new AuditEvent
        {
            Action = AuditAction.Create,
            ObjectType = ObjectType,
            ObjectId = request.Id.ToString(),
            SubjectUserId = listing.UserId,
            PracticeId = listing.PracticeId,
            DataCategory = AuditCategories.Personal,
        });
        await db.SaveChangesAsync(ct);
        return new SubmitFirstConversationResult(request.Id, nameof(FirstConversationStatus.New), Acknowledgement);
    }

    /// <summary>The caller's new requests (for the caseload page). An audited read when there are any.</summary>
    public Task<IReadOnlyList<FirstConversationView>> NewForMeAsync(CancellationToken ct = default) =>
        cache.GetAsync("first-conversations", "", () => MakeNewForMeAsync(ct), ct);

    private async Task<IReadOnlyList<FirstConversationView>> MakeNewForMeAsync(CancellationToken ct)
    {
        if (!me.IsSignedIn || !me.IsTherapist)
        {
            return [];
        }

        var views = await ListAsync(FirstConversationStatus.New, 20, ct);
        if (views.Count > 0)
        {
            await RecordListReadAsync(ct);
        }

        return views;
    }

    /// <summary>Every request addressed to the caller, newest first (at most 200). Audited.</summary>
    public async Task<IReadOnlyList<FirstConversationView>> MineAsync(CancellationToken ct = default)
    {
        RequireTherapist();
        var views = await ListAsync(null, 200, ct);
        await RecordListReadAsync(ct);
        return views;
    }

    public async Task<FirstConversationView> GetAsync(Guid id, CancellationToken ct = default)
    {
        var request = await RequireMineAsync(id, ct);
        await audit.RecordAsync(new AuditEvent
        {
            Action = AuditAction.Read,
            ObjectType = ObjectType,
            ObjectId = id.ToString(),
            EngagementId = request.EngagementId,
            DataCategory = AuditCategories.Personal,
        }, ct);
        return ToView(request);
    }

    /// <summary>
    /// "Start working together": an engagement (the existing use case) and an invitation to the
    /// requester's email (the existing use case), and the request marked converted, all in one
    /// transaction with their audit entries.
    /// </summary>
    public async Task<ConvertResult> ConvertAsync(Guid id, ConvertFirstConversation command, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var request = await RequireMineAsync(id, ct);
        request.EnsureNew();

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var format = command.Format
            ?? (request.PreferredFormat == RequestedFormat.ClientLed ? EngagementFormat.ClientLed
                : request.PreferredFormat == RequestedFormat.TherapistLed ? EngagementFormat.TherapistLed
                : request.SuggestedFormat);
        if (format is null || !Enum.IsDefined(format.Value))
        {
            errors["format"] = ["Choose the format you will start with: client-led or therapist-led."];
        }

        var title = string.IsNullOrWhiteSpace(command.Title) ? request.Name : command.Title.Trim();
        if (title.Length > Engagement.TitleMaxLength)
        {
            errors["title"] = [$"The engagement name is at most {Engagement.TitleMaxLength} characters."];
        }

        string? email = null;
        var emailText = string.IsNullOrWhiteSpace(command.Email) ? request.Email : command.Email;
        if (string.IsNullOrWhiteSpace(emailText))
        {
            errors["email"] = ["This request has no email address. Ask for one when you talk, then enter it here to send the invitation."];
        }
        else
        {
            try
            {
                email = Invitation.NormaliseEmail(emailText);
                var normalised = users.NormalizeEmail(email);
                using (db.Tenant.AsSystem())
                {
                    if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalised && u.Role != PersonRole.Client, ct))
                    {
                        errors["email"] = ["That address belongs to a staff account, which cannot join as a client."];
                    }
                }
            }
            catch (DomainException)
            {
                errors["email"] = ["Enter a valid email address."];
            }
        }

        if (errors.Count > 0)
        {
            throw new DomainException("Some fields need attention.", DomainError.Invalid, errors);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var engagement = await engagements.StartAsync(new StartEngagementCommand(title, format!.Value), ct);
            var invite = await invitations.InviteToEngagementAsync(engagement.Id, email!, ParticipantRole.Client, ct);
            request.Convert(engagement.Id, time.GetUtcNow());
            audit.Stage(new AuditEvent
            {
                Action = AuditAction.Update,
                ObjectType = ObjectType,
                ObjectId = request.Id.ToString(),
                EngagementId = engagement.Id,
                DataCategory = AuditCategories.Personal,
            });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return new ConvertResult(request.Id, engagement.Id, invite.InvitationId, invite.ExpiresAt);
        }
        catch
        {
            // Nothing of a failed conversion stays, not even in this unit of work's memory (the chain head included).
            await tx.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            throw;
        }
    }

    /// <summary>The kind reply a decline sends, so the therapist can read it first.</summary>
    public async Task<DeclineReply?> DeclineReplyAsync(FirstConversationView request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Email is null)
        {
            return null;
        }

        var practiceId = me.PracticeId;
        var practiceName = await db.Practices.Where(p => p.Id == practiceId).Select(p => p.Name).FirstAsync(ct);
        // As the acknowledgement: the address was typed by a stranger, so the reply repeats nothing they typed.
        return new DeclineReply(request.Email, "About your request for a first conversation",
            $"Hello,\n\n" +
            $"Thank you for getting in touch and for telling me a little about what you are looking for. I am sorry that I am not able to offer you a first conversation at the moment.\n\n" +
            $"This is not a judgement about you or about what you asked. You are welcome to look at the other therapists in the directory, or to ask your doctor or a local service who else could help.\n\n" +
            $"If you are in crisis or in danger, please call your local emergency number now.\n\n" +
            $"With best wishes,\n{me.DisplayName}\n{practiceName}\n");
    }

    /// <summary>Declines with the templated reply (when there is an email address); audited with the change.</summary>
    public async Task<FirstConversationView> DeclineAsync(Guid id, CancellationToken ct = default)
    {
        var request = await RequireMineAsync(id, ct);
        var reply = await DeclineReplyAsync(ToView(request), ct);
        request.Decline(time.GetUtcNow());
        if (reply is not null)
        {
            mail.Enqueue(request.PracticeId, reply.To, reply.Subject, reply.Body, "first-conversation-declined");
        }

        audit.Stage(new AuditEvent
        {
            Action = AuditAction.Update,
            ObjectType = ObjectType,
            ObjectId = request.Id.ToString(),
            DataCategory = AuditCategories.Personal,
        });
        await db.SaveChangesAsync(ct);
        return ToView(request);
    }

    public string RequestLink(Guid id) => $"{links.Base}/directory/requests/{id}";

    private async Task<IReadOnlyList<FirstConversationView>> ListAsync(FirstConversationStatus? status, int take, CancellationToken ct)
    {
        var myId = me.Id;
        var query = db.Set<FirstConversationRequest>().AsNoTracking().Where(r => r.TherapistId == myId);
        if (status is { } s)
        {
            query = query.Where(r => r.Status == s);
        }

        var rows = await query.OrderByDescending(r => r.CreatedAt).Take(take).ToListAsync(ct);
        return rows.Select(ToView).ToList();
    }

    private Task RecordListReadAsync(CancellationToken ct) => audit.RecordAsync(new AuditEvent
    {
        Action = AuditAction.Read,
        ObjectType = "FirstConversationRequestList",
        DataCategory = AuditCategories.Personal,
    }, ct);

    /// <summary>Addressed to the caller, or an audited 404 (another therapist, the admin, another practice, no such id).</summary>
    private async Task<FirstConversationRequest> RequireMineAsync(Guid id, CancellationToken ct)
    {
        var myId = me.IsSignedIn && me.IsTherapist ? me.Id : Guid.Empty;
        var request = myId == Guid.Empty ? null : await db.Set<FirstConversationRequest>().FirstOrDefaultAsync(r => r.Id == id && r.TherapistId == myId, ct);
        if (request is null)
        {
            await audit.RecordAsync(new AuditEvent
            {
                Action = AuditAction.Read,
                ObjectType = ObjectType,
                ObjectId = id.ToString(),
                DataCategory = AuditCategories.Personal,
                Outcome = AuditOutcome.Refused,
                Purpose = AuditPurposes.AccessControl,
            }, ct);
            throw DomainException.NotFound();
        }

        return request;
    }

    private void RequireTherapist()
    {
        if (!me.IsSignedIn || !me.IsTherapist)
        {
            throw DomainException.NotFound();
        }
    }

    private static FirstConversationView ToView(FirstConversationRequest r) => new(
        r.Id, r.Name, r.Email, r.Phone, r.Message, r.PreferredFormat, r.Status, r.CreatedAt, r.DecidedAt, r.EngagementId, r.Preferences);

    private static void Merge(Dictionary<string, string[]> into, IReadOnlyDictionary<string, string[]> from)
    {
        foreach (var (key, value) in from)
        {
            into[key] = value;
        }
    }
}
