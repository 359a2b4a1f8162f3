using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Measures.Instruments;
using Tandem.Features.Measures.Scoring;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;
using Tandem.Features.Accounts;

namespace Tandem.Features.Measures;

public sealed record AnswerView(string LinkId, string Text, int? Value, string? Display);

public sealed record ResponseView(
    Guid Id,
    string InstrumentId,
    Guid RespondentId,
    string RespondentName,
    DateTimeOffset SubmittedAt,
    Guid? SessionId,
    int? Total,
    string? Band,
    IReadOnlyList<string> Flags,
    string? ReliableChange,
    IReadOnlyList<AnswerView> Answers,
    JsonElement QuestionnaireResponse);

public sealed record PreferencesView(Guid UserId, string DisplayName, DateTimeOffset SubmittedAt, PreferenceResult Result);

/// <summary>
/// Reads of questionnaire responses. Responses are personal records: each person sees their
/// own, the engagement's therapists see everyone's (EngagementAccess.CanSeePersonal). Every
/// read is audited.
/// </summary>
public sealed class MeasureQueries(TandemDbContext db, EngagementAccess access, CurrentUser me, AuditTrail audit, PracticeInstruments instruments)
{
    public const int MaxResponses = 500;

    public async Task<IReadOnlyList<ResponseView>> ResponsesAsync(Guid engagementId, string? instrumentId, CancellationToken ct = default)
    {
        var engagement = await access.RequireParticipantAsync(engagementId, "MeasureResponse", ct);
        if (instrumentId is not null && await instruments.FindAsync(instrumentId, ct) is null)
        {
            throw new DomainException("Unknown instrument.", DomainError.Invalid, new Dictionary<string, string[]> { ["instrumentId"] = [$"One of {string.Join(", ", InstrumentCatalog.Ids)}."] });
        }

        var query = Visible(engagement);
        if (instrumentId is not null)
        {
            query = query.Where(r => r.InstrumentId == instrumentId);
        }

        var responses = await query.OrderByDescending(r => r.SubmittedAt).Take(MaxResponses).ToListAsync(ct);
        await RecordReadAsync("MeasureResponseList", engagementId, ct);
        var names = await NamesAsync(responses.Select(r => r.RespondentId), ct);
        var known = await instruments.FindManyAsync(responses.Select(r => r.InstrumentId), ct);
        return responses.Select(r =>
        {
            var instrument = known[r.InstrumentId];
            var answers = FhirResponses.Read(instrument, r.QuestionnaireResponseJson).Select(a =>
            {
                var item = instrument.Item(a.LinkId);
                return new AnswerView(a.LinkId, item?.Text ?? "", a.Score, a.Text ?? (a.Score is { } s ? item?.OptionFor(s)?.Display : null));
            }).ToList();
            return new ResponseView(r.Id, r.InstrumentId, r.RespondentId, names.GetValueOrDefault(r.RespondentId, "Former member"), r.SubmittedAt, r.SessionId,
                r.Total, r.Band, r.FlagList, r.ReliableChange, answers, JsonDocument.Parse(r.QuestionnaireResponseJson).RootElement.Clone());
        }).ToList();
    }

    /// <summary>The latest preferences result of each client: the result (not the answers) is shared with every participant.</summary>
    public async Task<(Engagement Engagement, IReadOnlyList<PreferencesView> Results)> PreferencesAsync(Guid engagementId, CancellationToken ct = default)
    {
        var engagement = await access.RequireParticipantAsync(engagementId, "PreferencesResult", ct);
        var clientIds = engagement.Clients.Select(c => c.UserId).ToList();
        var latest = await db.Set<ScoreObservation>().AsNoTracking()
            .Where(o => o.EngagementId == engagementId && clientIds.Contains(o.SubjectId) && o.Code.StartsWith("preference-"))
            .OrderByDescending(o => o.EffectiveAt).Take(400).ToListAsync(ct);
        await RecordReadAsync("PreferencesResult", engagementId, ct);
        var names = await NamesAsync(clientIds, ct);
        var results = latest.GroupBy(o => o.SubjectId).Select(g =>
        {
            var newest = g.Max(o => o.EffectiveAt);
            var rows = g.Where(o => o.EffectiveAt == newest).ToList();
            var dimensions = rows.Select(o => (Dimension: Enum.GetValues<PreferenceDimension>().First(d => "preference-" + d.ToString().ToLowerInvariant() == o.Code), Mean: (double)o.Value)).ToList();
            var result = PreferenceScoring.FromMeans(dimensions);
            return new PreferencesView(g.Key, names.GetValueOrDefault(g.Key, "Former member"), newest, result);
        }).OrderBy(v => v.DisplayName, StringComparer.CurrentCulture).ToList();
        return (engagement, results);
    }

    internal IQueryable<MeasureResponse> Visible(Engagement engagement)
    {
        var query = db.Set<MeasureResponse>().AsNoTracking().Where(r => r.EngagementId == engagement.Id);
        // Therapists see every participant's responses; everyone else only their own.
        if (!engagement.IsTherapist(me.Id))
        {
            var myId = me.Id;
            query = query.Where(r => r.RespondentId == myId);
        }

        return query;
    }

    internal async Task<Dictionary<Guid, string>> NamesAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var list = ids.Distinct().ToList();
        return await db.DisplayNamesAsync(list, ct);
    }

    internal Task RecordReadAsync(string objectType, Guid engagementId, CancellationToken ct) => audit.RecordAsync(new AuditEvent
    {
        Action = AuditAction.Read,
        ObjectType = objectType,
        ObjectId = engagementId.ToString(),
        EngagementId = engagementId,
        DataCategory = AuditCategories.Clinical,
    }, ct);
}
