using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Sessions;

/// <summary>
/// A therapist's private process note: only its author reads or writes it. Every query here
/// filters by the author first, so no other person's request can ever reach the text.
/// </summary>
public sealed class PrivateNoteUseCases(TandemDbContext db, SessionAccess sessions, CurrentUser me, AuditTrail audit, TimeProvider time)
{
    public async Task<PrivateNoteView> GetAsync(Guid sessionId, CancellationToken ct = default)
    {
        var (session, engagement) = await sessions.RequireTherapistAsync(sessionId, "PrivateNote", ct);
        var myId = me.Id;
        var note = await db.Set<PrivateNote>().AsNoTracking().FirstOrDefaultAsync(n => n.SessionId == session.Id && n.AuthorId == myId, ct);
        await audit.RecordAsync(SessionAudit.Of(AuditAction.Read, "PrivateNote", note?.Id ?? session.Id, engagement.Id, PrivateNote.AuditCategory), ct);
        return new PrivateNoteView(session.Id, note?.Body ?? "", note?.UpdatedAt, note?.Version ?? 0);
    }

    /// <param name="expectedVersion">When given (the page sends what it loaded), a stale write answers 412 instead of overwriting.</param>
    public async Task<PrivateNoteView> SaveAsync(Guid sessionId, string? body, int? expectedVersion = null, CancellationToken ct = default)
    {
        var (session, engagement) = await sessions.RequireTherapistAsync(sessionId, "PrivateNote", ct);
        engagement.EnsureNotEnded();
        var myId = me.Id;
        var now = time.GetUtcNow();
        var note = await db.Set<PrivateNote>().FirstOrDefaultAsync(n => n.SessionId == session.Id && n.AuthorId == myId, ct);
        if (expectedVersion is { } expected && (note?.Version ?? 0) != expected)
        {
            throw new DomainException("Your private note changed in another window. Reload it, then make your change again.", DomainError.PreconditionFailed);
        }

        if (note is null)
        {
            note = PrivateNote.Start(session, myId, now);
            db.Set<PrivateNote>().Add(note);
        }

        note.Write(body, now);
        audit.Stage(SessionAudit.Of(note.Version == 1 ? AuditAction.Create : AuditAction.Update, "PrivateNote", note.Id, engagement.Id, PrivateNote.AuditCategory));
        try
        {
            // Concurrency token or the unique (session, author) index: two windows saving at once.
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new DomainException("Your private note changed in another window. Reload it, then make your change again.", DomainError.PreconditionFailed);
        }

        return new PrivateNoteView(session.Id, note.Body, note.UpdatedAt, note.Version);
    }
}
