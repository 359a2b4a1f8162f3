using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Measures.Instruments;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Measures;

public sealed record ScheduleView(Guid Id, string InstrumentId, string InstrumentTitle, ScheduleKind Kind, int? IntervalWeeks, int? LeadHours, string Description, DateTimeOffset StartsAt);

public sealed record DueItem(Guid EngagementId, string EngagementTitle, string InstrumentId, string InstrumentTitle, string Why);

/// <summary>
/// Which instruments an engagement asks for, and when (therapists set them; every participant
/// can read them), and what is due now for the signed-in person.
/// </summary>
public sealed class ScheduleUseCases(TandemDbContext db, EngagementAccess access, CurrentUser me, AuditTrail audit, TimeProvider time, PracticeInstruments instruments, IUpcomingSessions sessions, Infrastructure.Caching.ViewCache cache)
{
    public async Task<IReadOnlyList<ScheduleView>> ListAsync(Guid engagementId, CancellationToken ct = default)
    {
        await access.RequireParticipantAsync(engagementId, "MeasureSchedule", ct);
        var schedules = await db.Set<MeasureSchedule>().AsNoTracking().Where(s => s.EngagementId == engagementId && s.StoppedAt == null)
            .OrderBy(s => s.StartsAt).Take(50).ToListAsync(ct);
        await audit.RecordAsync(new AuditEvent { Action = AuditAction.Read, ObjectType = "MeasureScheduleList", ObjectId = engagementId.ToString(), EngagementId = engagementId, DataCategory = AuditCategories.Clinical }, ct);
        var known = await instruments.FindManyAsync(schedules.Select(s => s.InstrumentId), ct);
        return schedules.Select(s => View(s, known.GetValueOrDefault(s.InstrumentId))).ToList();
    }

    public async Task<ScheduleView> CreateAsync(Guid engagementId, string? instrumentId, ScheduleKind kind, int? intervalWeeks, int? leadHours, CancellationToken ct = default)
    {
        var engagement = await access.RequireTherapistAsync(engagementId, "MeasureSchedule", ct);
        var instrument = await instruments.FindForUseAsync(instrumentId, ct)
            ?? throw new DomainException("Unknown instrument.", DomainError.Invalid, new Dictionary<string, string[]> { ["instrumentId"] = [$"One of {string.Join(", ", InstrumentCatalog.Ids)}, or one of your practice's enabled instruments."] });
        if (await db.Set<MeasureSchedule>().AnyAsync(s => s.EngagementId == engagementId && s.InstrumentId == instrument.Id && s.StoppedAt == null, ct))
        {
            throw new DomainException($"The {instrument.Title} already has a schedule here. Stop that one first.", DomainError.Conflict);
        }

        var schedule = MeasureSchedule.Create(engagement, instrument, kind, intervalWeeks, leadHours, me.Id, time.GetUtcNow());
        db.Add(schedule);
        Stage(AuditAction.Create, schedule);
        await db.SaveChangesAsync(ct);
        return View(schedule, instrument);
    }

    public async Task StopAsync(Guid scheduleId, CancellationToken ct = default)
    {
        var schedule = await db.Set<MeasureSchedule>().FirstOrDefaultAsync(s => s.Id == scheduleId, ct);
        await access.RequireTherapistAsync(schedule?.EngagementId ?? Guid.Empty, "MeasureSchedule", ct);
        schedule!.Stop(time.GetUtcNow());
        Stage(AuditAction.Update, schedule);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>What the signed-in person is asked to fill in now, across their engagements (a few small indexed reads).</summary>
    public Task<IReadOnlyList<DueItem>> DueForMeAsync(CancellationToken ct = default) =>
        cache.GetAsync("measures-due", "", () => MakeDueForMeAsync(ct), ct);

    private async Task<IReadOnlyList<DueItem>> MakeDueForMeAsync(CancellationToken ct)
    {
        var myId = me.Id;
        var mine = await db.Participants.AsNoTracking().Where(p => p.UserId == myId && p.LeftAt == null)
            .Select(p => new { p.EngagementId, p.Role }).ToListAsync(ct);
        if (mine.Count == 0)
        {
            return [];
        }

        var ids = mine.Select(m => m.EngagementId).ToList();
        var engagements = await db.Engagements.AsNoTracking().Where(e => ids.Contains(e.Id) && e.Status != EngagementStatus.Ended)
            .Select(e => new { e.Id, e.Title }).ToDictionaryAsync(e => e.Id, e => e.Title, ct);
        var schedules = await db.Set<MeasureSchedule>().AsNoTracking().Where(s => ids.Contains(s.EngagementId) && s.StoppedAt == null).ToListAsync(ct);
        var now = time.GetUtcNow();
        var next = await sessions.NextStartsAsync(ids, now, ct);
        await audit.RecordEachAsync(new AuditEvent { Action = AuditAction.Read, ObjectType = "MeasureDueList", DataCategory = AuditCategories.Clinical }, engagements.Keys, ct);

        var due = new List<DueItem>();
        foreach (var schedule in schedules.Where(s => engagements.ContainsKey(s.EngagementId)))
        {
            var instrument = await instruments.FindForUseAsync(schedule.InstrumentId, ct);
            var role = mine.First(m => m.EngagementId == schedule.EngagementId).Role;
            if (instrument is null || instrument.Respondent != role)
            {
                continue;
            }

            // One indexed lookup per schedule (a handful per person), never the whole history.
            var lastResponse = await db.Set<MeasureResponse>().AsNoTracking()
                .Where(r => r.EngagementId == schedule.EngagementId && r.RespondentId == myId && r.InstrumentId == schedule.InstrumentId)
                .OrderByDescending(r => r.SubmittedAt).Select(r => (DateTimeOffset?)r.SubmittedAt).FirstOrDefaultAsync(ct);
            DateTimeOffset? nextSession = next.TryGetValue(schedule.EngagementId, out var n) ? n : null;
            if (schedule.IsDue(now, lastResponse, nextSession))
            {
                var why = schedule.Kind == ScheduleKind.BeforeEachSession
                    ? $"Before your session on {me.Local(nextSession!.Value):dddd d MMMM, HH:mm}"
                    : schedule.Describe();
                due.Add(new DueItem(schedule.EngagementId, engagements[schedule.EngagementId], instrument.Id, instrument.PlainTitle, why));
            }
        }

        // Offers (CollaboRATE after an agreed plan change): open, unanswered, and not already asked for by a schedule.
        var offers = await db.Set<MeasureOffer>().AsNoTracking()
            .Where(o => o.RespondentId == myId && o.OpenUntil > now && ids.Contains(o.EngagementId))
            .OrderByDescending(o => o.OfferedAt).Take(20).ToListAsync(ct);
        foreach (var offer in offers.Where(o => engagements.ContainsKey(o.EngagementId)).DistinctBy(o => (o.EngagementId, o.InstrumentId)))
        {
            var instrument = await instruments.FindForUseAsync(offer.InstrumentId, ct);
            if (instrument is null || instrument.Respondent != mine.First(m => m.EngagementId == offer.EngagementId).Role)
            {
                continue;
            }

            var lastResponse = await db.Set<MeasureResponse>().AsNoTracking()
                .Where(r => r.EngagementId == offer.EngagementId && r.RespondentId == myId && r.InstrumentId == offer.InstrumentId)
                .OrderByDescending(r => r.SubmittedAt).Select(r => (DateTimeOffset?)r.SubmittedAt).FirstOrDefaultAsync(ct);
            if (offer.IsOpen(now, lastResponse))
            {
                due.RemoveAll(d => d.EngagementId == offer.EngagementId && d.InstrumentId == offer.InstrumentId);
                due.Add(new DueItem(offer.EngagementId, engagements[offer.EngagementId], instrument.Id, instrument.PlainTitle,
                    $"About the plan change agreed on {me.Local(offer.OfferedAt):dddd d MMMM}, open until {me.Local(offer.OpenUntil):dddd d MMMM, HH:mm}"));
            }
        }

        return due.OrderBy(d => d.EngagementTitle, StringComparer.CurrentCulture).ThenBy(d => InstrumentOrder(d.InstrumentId)).ToList();
    }

    // Built-ins in their usual order, then the practice's own.
    private static int InstrumentOrder(string id) => InstrumentCatalog.Ids.ToList().IndexOf(id) is var i and >= 0 ? i : int.MaxValue;

    private static ScheduleView View(MeasureSchedule s, Instrument? instrument) =>
        new(s.Id, s.InstrumentId, instrument?.PlainTitle ?? s.InstrumentId, s.Kind, s.IntervalWeeks, s.LeadHours, s.Describe(), s.StartsAt);

    private void Stage(AuditAction action, MeasureSchedule s) => audit.Stage(new AuditEvent
    {
        Action = action,
        ObjectType = "MeasureSchedule",
        ObjectId = s.Id.ToString(),
        EngagementId = s.EngagementId,
        DataCategory = AuditCategories.Clinical,
    });
}
