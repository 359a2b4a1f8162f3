using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Agreements;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Measures;
using Tandem.Features.Messages;
using Tandem.Features.Plans;
using Tandem.Features.Practices;
using Tandem.Features.Sessions;

namespace Tandem.Features.Export;

/// <summary>A person named in the record (a participant now or before).</summary>
public sealed record ExportPerson(Guid Id, string DisplayName, string? Pronouns, ParticipantRole Role, string? Email);

/// <summary>
/// Everything one viewer may see of one engagement, already filtered: the one place where
/// the export (FHIR and the printable record) decides what goes in. Private process notes
/// are never loaded; personal records (questionnaire responses and their scores, reflections,
/// one-to-one message threads) only when the viewer is their owner or a therapist.
/// </summary>
public sealed class ExportRecord
{
    public required Guid ViewerId { get; init; }

    public required Practice Practice { get; init; }

    public required Engagement Engagement { get; init; }

    public required IReadOnlyList<ExportPerson> People { get; init; }

    public required Plan? Plan { get; init; }

    public required IReadOnlyList<PlanVersion> PlanVersions { get; init; }

    /// <summary>Goal progress ratings (0-10, optional attainment): part of the shared plan.</summary>
    public required IReadOnlyList<GoalRating> GoalRatings { get; init; }

    public required IReadOnlyList<Session> Sessions { get; init; }

    public required IReadOnlyList<AgendaItem> AgendaItems { get; init; }

    public required IReadOnlyList<SharedNote> Notes { get; init; }

    public required IReadOnlyList<NoteAmendment> Amendments { get; init; }

    public required IReadOnlyList<Annotation> Annotations { get; init; }

    public required IReadOnlyList<Reflection> Reflections { get; init; }

    public required IReadOnlyList<MeasureResponse> Responses { get; init; }

    public required IReadOnlyList<ScoreObservation> Scores { get; init; }

    public required IReadOnlyList<Message> Messages { get; init; }

    public required IReadOnlyList<AgreementSignature> Signatures { get; init; }

    public required IReadOnlyList<AgreementVersion> AgreementVersions { get; init; }

    public required IReadOnlyList<AuditEntry> AccessLog { get; init; }

    public bool ViewerIsTherapist => Engagement.IsTherapist(ViewerId);

    public ExportPerson? Person(Guid id) => People.FirstOrDefault(p => p.Id == id);

    public string NameOf(Guid id) => Person(id)?.DisplayName ?? "Former member";

    public IEnumerable<ExportPerson> Clients => People.Where(p => p.Role == ParticipantRole.Client);

    public IEnumerable<ExportPerson> Therapists => People.Where(p => p.Role == ParticipantRole.Therapist);

    /// <summary>Notes with something written in them (every session has one, empty until written).</summary>
    public IEnumerable<SharedNote> WrittenNotes => Notes.Where(n => !string.IsNullOrWhiteSpace(n.Body));
}

/// <summary>Loads an <see cref="ExportRecord"/> for the signed-in viewer, after access has been checked.</summary>
public sealed class ExportRecordLoader(TandemDbContext db)
{
    /// <param name="withAccessLog">
    /// Whether to read the access log's entries: the download carries them (every look at the record, hundreds of
    /// thousands for a record read daily for years); the printable record does not show them, and read them all for
    /// nothing (issue 25: 1.5 s for a record with 250,000 entries on the large set).
    /// </param>
    public async Task<ExportRecord> LoadAsync(Engagement engagement, Guid viewerId, bool withAccessLog, CancellationToken ct)
    {
        var id = engagement.Id;
        var isTherapist = engagement.IsTherapist(viewerId);
        var practice = await db.Practices.AsNoTracking().FirstAsync(p => p.Id == engagement.PracticeId, ct);

        // Everyone who was ever a participant: their names appear beside what they wrote.
        var roles = engagement.Participants
            .GroupBy(p => p.UserId)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.JoinedAt).First().Role);
        var userIds = roles.Keys.ToList();
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id))
            .Select(u => new { u.Id, u.DisplayName, u.Pronouns, u.Email }).ToListAsync(ct);
        var people = users
            .Select(u => new ExportPerson(u.Id, u.DisplayName, u.Pronouns, roles[u.Id], u.Id == viewerId ? u.Email : null))
            .OrderBy(p => p.Role).ThenBy(p => p.DisplayName, StringComparer.Ordinal).ThenBy(p => p.Id)
            .ToList();

        var plan = await db.Set<Plan>().AsNoTracking()
            .Include(p => p.Goals).ThenInclude(g => g.Agreements)
            .Include(p => p.Questions)
            .Include(p => p.Commitments)
            .AsSplitQuery()
            .FirstOrDefaultAsync(p => p.EngagementId == id, ct);
        var versions = await db.Set<PlanVersion>().AsNoTracking().Where(v => v.EngagementId == id).OrderBy(v => v.Number).ToListAsync(ct);

        var ratings = (await db.Set<GoalRating>().AsNoTracking().Where(r => r.EngagementId == id).ToListAsync(ct))
            .OrderBy(r => r.At).ThenBy(r => r.Id).ToList();

        var sessions = (await db.Set<Session>().AsNoTracking().Where(s => s.EngagementId == id).ToListAsync(ct))
            .OrderBy(s => s.StartsAt).ThenBy(s => s.Id).ToList();
        var agenda = (await db.Set<AgendaItem>().AsNoTracking().Where(a => a.EngagementId == id).ToListAsync(ct))
            .OrderBy(a => a.Position).ThenBy(a => a.CreatedAt).ToList();
        var notes = await db.Set<SharedNote>().AsNoTracking().Where(n => n.EngagementId == id).ToListAsync(ct);
        var amendments = (await db.Set<NoteAmendment>().AsNoTracking().Where(a => a.EngagementId == id).ToListAsync(ct))
            .OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).ToList();
        var annotations = (await db.Set<Annotation>().AsNoTracking().Where(a => a.EngagementId == id).ToListAsync(ct))
            .OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).ToList();
        var reflections = (await db.Set<Reflection>().AsNoTracking()
                .Where(r => r.EngagementId == id && (isTherapist || r.AuthorId == viewerId)).ToListAsync(ct))
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToList();

        var responses = (await db.Set<MeasureResponse>().AsNoTracking()
                .Where(r => r.EngagementId == id && (isTherapist || r.RespondentId == viewerId)).ToListAsync(ct))
            .OrderBy(r => r.SubmittedAt).ThenBy(r => r.Id).ToList();
        var scores = (await db.Set<ScoreObservation>().AsNoTracking()
                .Where(o => o.EngagementId == id && (isTherapist || o.SubjectId == viewerId)).ToListAsync(ct))
            .OrderBy(o => o.EffectiveAt).ThenBy(o => o.Id).ToList();

        // The engagement's conversation for everyone; a one-to-one thread for its client and the therapists.
        var messages = (await db.Set<Message>().AsNoTracking()
                .Where(m => m.EngagementId == id && (isTherapist || m.ThreadWith == Guid.Empty || m.ThreadWith == viewerId)).ToListAsync(ct))
            .OrderBy(m => m.ThreadWith).ThenBy(m => m.Sequence).ToList();

        var signatures = (await db.AgreementSignatures.AsNoTracking().Where(s => s.EngagementId == id).ToListAsync(ct))
            .OrderBy(s => s.SignedAt).ThenBy(s => s.Id).ToList();
        var versionIds = signatures.Select(s => s.AgreementVersionId).Distinct().ToList();
        var agreementVersions = await db.AgreementVersions.AsNoTracking().Where(v => versionIds.Contains(v.Id)).ToListAsync(ct);

        // The same entries the access log shows this viewer: the engagement's own, and the lists that showed it.
        IQueryable<AuditEntry> Shown(IQueryable<AuditEntry> source) => source
            .Where(e => e.DataCategory == AuditCategories.Clinical || e.DataCategory == AuditCategories.Personal)
            .Where(e => isTherapist || e.SubjectUserId == null || e.SubjectUserId == viewerId);
        var log = !withAccessLog ? [] : (await Shown(db.AuditEntries.AsNoTracking().Where(e => e.EngagementId == id)).ToListAsync(ct))
            .Concat(await Shown(AccessLog.ListReadsOf(db, engagement.PracticeId, id)).ToListAsync(ct))
            .DistinctBy(e => e.Id)
            .OrderBy(e => e.Id)
            .ToList();

        return new ExportRecord
        {
            ViewerId = viewerId,
            Practice = practice,
            Engagement = engagement,
            People = people,
            Plan = plan,
            PlanVersions = versions,
            GoalRatings = ratings,
            Sessions = sessions,
            AgendaItems = agenda,
            Notes = notes,
            Amendments = amendments,
            Annotations = annotations,
            Reflections = reflections,
            Responses = responses,
            Scores = scores,
            Messages = messages,
            Signatures = signatures,
            AgreementVersions = agreementVersions,
            AccessLog = log,
        };
    }
}
