using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;
using Tandem.Infrastructure.Text;

namespace Tandem.Features.Sessions;

/// <summary>
/// The shared (open) note of a session: read by every participant, written and signed by a
/// therapist, amended in the open after signing, answered with annotations and reflections.
/// </summary>
public sealed class NoteUseCases(
    TandemDbContext db,
    SessionAccess sessions,
    CurrentUser me,
    AuditTrail audit,
    TimeProvider time,
    SafeMarkdown markdown,
    SessionEvents events)
{
    public async Task<NoteView> GetAsync(Guid sessionId, CancellationToken ct = default)
    {
        var (session, engagement) = await sessions.RequireParticipantAsync(sessionId, "SharedNote", ct);
        var note = await NoteAsync(sessionId, engagement.Id, tracked: false, ct);
        var view = await ViewAsync(note, session, engagement, ct);
        await audit.RecordAsync(SessionAudit.Of(AuditAction.Read, "SharedNote", note.Id, engagement.Id), ct);
        return view;
    }

    public async Task<NoteView> SaveDraftAsync(Guid sessionId, string? body, string? ifMatch, CancellationToken ct = default)
    {
        var (session, engagement) = await sessions.RequireTherapistAsync(sessionId, "SharedNote", ct);
        var note = await NoteAsync(sessionId, engagement.Id, tracked: true, ct);
        // Order matters: a signed note answers 409 whatever the caller sends.
        note.EnsureDraft();

        engagement.EnsureWritable();
        note.EnsureMatches(ifMatch);
        note.WriteDraft(body ?? "", me.Id, time.GetUtcNow());
        audit.Stage(SessionAudit.Of(AuditAction.Update, "SharedNote", note.Id, engagement.Id));
        await SaveAsync(ct);
        await events.PublishAsync(engagement, sessionId, SessionChange.Note, ct);
        return await ViewAsync(note, session, engagement, ct);
    }

    public async Task<NoteView> SignAsync(Guid sessionId, string? ifMatch, CancellationToken ct = default)
    {
        var (session, engagement) = await sessions.RequireTherapistAsync(sessionId, "SharedNote", ct);
        engagement.EnsureWritable();
        var note = await NoteAsync(sessionId, engagement.Id, tracked: true, ct);
        // Signing what you have not seen would be worse than a lost edit: honour If-Match when sent.
        if (!string.IsNullOrWhiteSpace(ifMatch))
        {
            note.EnsureMatches(ifMatch);
        }

        note.Sign(session, me.Id, time.GetUtcNow());
        audit.Stage(SessionAudit.Of(AuditAction.Update, "SharedNote", note.Id, engagement.Id) with { Purpose = "sign" });
        await SaveAsync(ct);
        await events.PublishAsync(engagement, sessionId, SessionChange.Note, ct);
        return await ViewAsync(note, session, engagement, ct);
    }

    public async Task<NoteView> AmendAsync(Guid sessionId, string? body, string? reason, CancellationToken ct = default)
    {
        var (session, engagement) = await sessions.RequireTherapistAsync(sessionId, "NoteAmendment", ct);
        engagement.EnsureWritable();
        var note = await NoteAsync(sessionId, engagement.Id, tracked: true, ct);
        var amendment = note.Amend(body ?? "", reason ?? "", me.Id, time.GetUtcNow());
        db.Set<NoteAmendment>().Add(amendment);
        audit.Stage(SessionAudit.Of(AuditAction.Create, "NoteAmendment", amendment.Id, engagement.Id));
        await SaveAsync(ct);
        await events.PublishAsync(engagement, sessionId, SessionChange.Note, ct);
        return await ViewAsync(note, session, engagement, ct);
    }

    public async Task<AnnotationView> AnnotateAsync(Guid sessionId, string? text, string? quote, Stance stance, CancellationToken ct = default)
    {
        var (_, engagement) = await sessions.RequireParticipantAsync(sessionId, "Annotation", ct);
        engagement.EnsureWritable();
        var note = await NoteAsync(sessionId, engagement.Id, tracked: false, ct);
        var versions = await db.Set<NoteAmendment>().AsNoTracking().Where(a => a.NoteId == note.Id).Select(a => a.Body).ToListAsync(ct);
        var annotation = Annotation.Create(note, versions.Prepend(note.Body), me.Id, text ?? "", quote, stance, time.GetUtcNow());
        db.Set<Annotation>().Add(annotation);
        audit.Stage(SessionAudit.Of(AuditAction.Create, "Annotation", annotation.Id, engagement.Id));
        await db.SaveChangesAsync(ct);
        await events.PublishAsync(engagement, sessionId, SessionChange.Note, ct);
        return new AnnotationView(annotation.Id, me.Id, me.DisplayName, RoleOf(engagement, me.Id), annotation.Text, annotation.Quote, annotation.Stance, annotation.CreatedAt);
    }

    public async Task<ReflectionView> ReflectAsync(Guid sessionId, string? text, CancellationToken ct = default)
    {
        var (session, engagement) = await sessions.RequireParticipantAsync(sessionId, "Reflection", ct);
        if (!engagement.IsClient(me.Id))
        {
            throw new DomainException("Reflections are the client's own words about a session; therapists answer with an annotation.", DomainError.Conflict);
        }

        engagement.EnsureWritable();
        var reflection = Reflection.Create(session, me.Id, text ?? "", time.GetUtcNow());
        db.Set<Reflection>().Add(reflection);
        audit.Stage(SessionAudit.Of(AuditAction.Create, "Reflection", reflection.Id, engagement.Id, AuditCategories.Personal) with { SubjectUserId = me.Id });
        await db.SaveChangesAsync(ct);
        await events.PublishAsync(engagement, sessionId, SessionChange.Note, ct);
        return new ReflectionView(reflection.Id, me.Id, me.DisplayName, reflection.Text, reflection.CreatedAt);
    }

    /// <summary>Every version of the note, oldest first, each amendment with its reason and a word-level comparison.</summary>
    public async Task<NoteHistoryView> HistoryAsync(Guid sessionId, CancellationToken ct = default)
    {
        var (session, engagement) = await sessions.RequireParticipantAsync(sessionId, "SharedNote", ct);
        var note = await NoteAsync(sessionId, engagement.Id, tracked: false, ct);
        var amendments = await db.Set<NoteAmendment>().AsNoTracking().Where(a => a.NoteId == note.Id).OrderBy(a => a.CreatedAt).ToListAsync(ct);
        var names = await People.NamesAsync(db, amendments.Select(a => a.AuthorId).Concat(note.SignedBy is { } s ? [s] : note.AuthorId is { } a ? [a] : []), ct);
        var versions = new List<NoteVersionView>
        {
            new(1, note.Status == NoteStatus.Signed ? "As signed" : "Draft", markdown.ToHtml(note.Body), null,
                names.GetValueOrDefault(note.SignedBy ?? note.AuthorId ?? Guid.Empty, ""), note.SignedAt ?? note.UpdatedAt ?? note.CreatedAt, null),
        };
        var previous = note.Body;
        foreach (var amendment in amendments)
        {
            versions.Add(new(versions.Count + 1, $"Amendment {versions.Count}", markdown.ToHtml(amendment.Body), amendment.Reason,
                names.GetValueOrDefault(amendment.AuthorId, "Former member"), amendment.CreatedAt, WordDiff.ToHtml(previous, amendment.Body)));
            previous = amendment.Body;
        }

        await audit.RecordAsync(SessionAudit.Of(AuditAction.Read, "SharedNote", note.Id, engagement.Id), ct);
        return new NoteHistoryView(session.Id, engagement.Id, engagement.Title, session.StartsAt, note.Status, versions);
    }

    private async Task<SharedNote> NoteAsync(Guid sessionId, Guid engagementId, bool tracked, CancellationToken ct)
    {
        var query = tracked ? db.Set<SharedNote>() : db.Set<SharedNote>().AsNoTracking();
        var note = await query.FirstOrDefaultAsync(n => n.SessionId == sessionId, ct);
        if (note is null)
        {
            // A participant asking for a note not written yet: still an access to the record, so it is written down.
            await audit.RecordAsync(SessionAudit.Of(AuditAction.Read, "SharedNote", sessionId, engagementId) with { Outcome = AuditOutcome.Failure }, ct);
            throw DomainException.NotFound();
        }

        return note;
    }

    internal async Task<NoteView> ViewAsync(SharedNote note, Session session, Engagement engagement, CancellationToken ct)
    {
        var amendments = await db.Set<NoteAmendment>().AsNoTracking().Where(a => a.NoteId == note.Id).OrderBy(a => a.CreatedAt).ToListAsync(ct);
        var annotations = await db.Set<Annotation>().AsNoTracking().Where(a => a.NoteId == note.Id).OrderBy(a => a.CreatedAt).Take(500).ToListAsync(ct);
        var myId = me.Id;
        var isTherapist = engagement.IsTherapist(myId);
        // Reflections are personal: their author and the therapists (not a partner in a couple).
        var reflections = await db.Set<Reflection>().AsNoTracking()
            .Where(r => r.SessionId == note.SessionId && (isTherapist || r.AuthorId == myId))
            .OrderBy(r => r.CreatedAt).Take(200).ToListAsync(ct);
        var names = await People.NamesAsync(db,
            amendments.Select(a => a.AuthorId).Concat(annotations.Select(a => a.AuthorId)).Concat(reflections.Select(r => r.AuthorId))
                .Concat(new[] { note.AuthorId, note.SignedBy }.Where(id => id is not null).Select(id => id!.Value)), ct);
        var current = amendments.Count > 0 ? amendments[^1].Body : note.Body;
        return new NoteView(
            note.Id, note.SessionId, note.EngagementId, note.Body, markdown.ToHtml(note.Body), note.Status,
            note.AuthorId, note.AuthorId is { } author ? names.GetValueOrDefault(author, "Former member") : null,
            note.CreatedAt, note.UpdatedAt, note.SignedAt, note.SignedBy is { } signer ? names.GetValueOrDefault(signer, "Former member") : null,
            current, markdown.ToHtml(current),
            amendments.Select(a => new AmendmentView(a.Id, a.Body, markdown.ToHtml(a.Body), a.Reason, a.AuthorId, names.GetValueOrDefault(a.AuthorId, "Former member"), a.CreatedAt)).ToList(),
            annotations.Select(a => new AnnotationView(a.Id, a.AuthorId, names.GetValueOrDefault(a.AuthorId, "Former member"), RoleOf(engagement, a.AuthorId), a.Text, a.Quote, a.Stance, a.CreatedAt)).ToList(),
            reflections.Select(r => new ReflectionView(r.Id, r.AuthorId, names.GetValueOrDefault(r.AuthorId, "Former member"), r.Text, r.CreatedAt)).ToList(),
            note.Version,
            note.ETag)
        {
            CanSignFrom = session.StartsAt,
        };
    }

    private static string RoleOf(Engagement engagement, Guid userId) =>
        engagement.Participants.Where(p => p.UserId == userId).OrderBy(p => p.LeftAt is null ? 0 : 1).Select(p => p.Role.ToString()).FirstOrDefault() ?? "";

    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException("The note changed at the same moment. Reload it, then make your change again.", DomainError.PreconditionFailed);
        }
    }
}
