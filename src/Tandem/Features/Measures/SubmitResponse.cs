using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Measures.Instruments;
using Tandem.Features.Measures.Scoring;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Measures;

public sealed record SubmitResponseCommand(string? InstrumentId, IReadOnlyList<RawAnswer>? Answers, Guid? SessionId);

public sealed record ResponseResult(
    Guid Id,
    string InstrumentId,
    DateTimeOffset SubmittedAt,
    int? Total,
    string? Band,
    IReadOnlyList<string> Flags,
    string? ReliableChange,
    string? CrisisInformation,
    PreferenceResult? Preferences,
    bool Replayed);

/// <summary>
/// A participant submits a questionnaire: checked, scored, stored with its score observations
/// and any alerts, all audited in one transaction. An Idempotency-Key makes retries safe: a
/// replay (even a concurrent one) returns the first result and never stores a second row.
/// </summary>
public sealed class SubmitResponse(
    TandemDbContext db,
    EngagementAccess access,
    CurrentUser me,
    AuditTrail audit,
    TimeProvider time,
    PracticeInstruments instruments,
    Infrastructure.Live.LiveUpdates live,
    CrisisInformationUseCases crisis,
    RiskAlerting risk,
    Expected.ExpectedCurveStore curves)
{
    /// <summary>Alerts about answers that were refused, then sent again and saved, are completed rather than raised twice.</summary>
    private static readonly TimeSpan UnsavedRiskWindow = TimeSpan.FromHours(1);

    public async Task<ResponseResult> HandleAsync(Guid engagementId, SubmitResponseCommand command, string? idempotencyKey, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var engagement = await access.RequireParticipantAsync(engagementId, "MeasureResponse", ct);
        Instrument? instrument = null;
        try
        {
            instrument = await instruments.FindForUseAsync(command.InstrumentId, ct);
            return await SubmitAsync(engagement, instrument, command, idempotencyKey, ct);
        }
        catch (DomainException refused) when (refused.CrisisInformation is null && engagement.ParticipantFor(me.Id)?.Role == ParticipantRole.Client)
        {
            // No path may end with a risk answer seen by the server and nobody told (issue 18): the answers are
            // refused as they must be, and the risk alert is raised and the crisis information shown all the same.
            if (await risk.CatchRefusedAsync(engagement, me.Id, instrument, command.InstrumentId, command.Answers, refused.Message, ct) is { } crisisText)
            {
                throw refused.WithCrisisInformation(crisisText);
            }

            throw;
        }
    }

    private async Task<ResponseResult> SubmitAsync(Engagement engagement, Instrument? instrument, SubmitResponseCommand command, string? idempotencyKey, CancellationToken ct)
    {
        var engagementId = engagement.Id;
        var role = engagement.ParticipantFor(me.Id)!.Role;
        // A response may name one of this engagement's sessions, never another's: any other id (another engagement's,
        // another practice's, or none at all) gets the same answer, so it tells nothing about whether it exists.
        if (command.SessionId is { } sessionId && !await db.Set<Sessions.Session>().AnyAsync(s => s.Id == sessionId && s.EngagementId == engagementId, ct))
        {
            throw new DomainException("That session is not one of this engagement's.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["sessionId"] = ["A session of this engagement, or none."] });
        }

        idempotencyKey = NormaliseKey(idempotencyKey);
        var hash = Hash(command);
        if (idempotencyKey is not null && await FindReplayAsync(engagement, idempotencyKey, hash, ct) is { } replay)
        {
            return replay;
        }

        // Built-ins, or the practice's enabled instruments: a draft or disabled import cannot be answered.
        if (instrument is null)
        {
            throw new DomainException("Unknown instrument.", DomainError.Invalid, new Dictionary<string, string[]> { ["instrumentId"] = [$"One of {string.Join(", ", InstrumentCatalog.Ids)}, or one of your practice's enabled instruments."] });
        }

        if (instrument.Respondent != role)
        {
            throw new DomainException($"The {instrument.Title} is filled in by {(instrument.Respondent == ParticipantRole.Client ? "clients" : "therapists")}.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["instrumentId"] = [$"Not for a {role.ToString().ToLowerInvariant()}."] });
        }

        // The preferences check informs the choice of format, so it is allowed before the agreement is signed.
        if (instrument.Id == InstrumentCatalog.Preferences)
        {
            engagement.EnsureNotEnded();
        }
        else
        {
            engagement.EnsureWritable();
        }

        var answers = AnswerValidation.Validate(instrument, command.Answers);
        var earlier = await db.Set<MeasureResponse>().AsNoTracking()
            .Where(r => r.EngagementId == engagementId && r.RespondentId == me.Id && r.InstrumentId == instrument.Id && r.Total != null)
            .OrderBy(r => r.SubmittedAt).Select(r => r.Total!.Value).Take(1000).ToListAsync(ct);
        var engagementChecks = instrument.Id == InstrumentCatalog.CollaborationCheck
            ? await db.Set<MeasureResponse>().AsNoTracking()
                .Where(r => r.EngagementId == engagementId && r.InstrumentId == InstrumentCatalog.CollaborationCheck && r.Total != null)
                .OrderByDescending(r => r.SubmittedAt).Select(r => r.Total!.Value).Take(1000).ToListAsync(ct)
            : [];
        var expected = instrument.Measure is not null ? await curves.ForAsync(engagement.PracticeId, instrument.Id, ct) : null;
        var scored = ResponseScorer.Score(instrument, answers, earlier, engagementChecks, expected);

        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var response = MeasureResponse.Create(id, engagement.PracticeId, engagementId, instrument.Id, me.Id, command.SessionId, now,
            scored.Total, scored.Band, scored.Flags, scored.Change?.ToString(), FhirResponses.Build(id, instrument, answers, me.Id, role, now), idempotencyKey, hash);
        db.Add(response);
        db.AddRange(scored.Observations.Select(o => ScoreObservation.For(response, o.System, o.Code, o.Display, o.Value)));
        var alerts = await NewAlertsAsync(response, scored.Alerts, scored.Change, scored.OnTrack, ct);
        db.AddRange(alerts);
        // A new signal that the work is off track opens a shared review (issue 24): one at a time per client.
        if (alerts.FirstOrDefault(a => a.Kind is AlertKind.NotOnTrack or AlertKind.CollaborationConcern) is { } signal && role == ParticipantRole.Client)
        {
            await Reviews.OffTrackReviews.StageOpenAsync(db, audit, engagement, me.Id,
                signal.Kind == AlertKind.NotOnTrack ? Reviews.ReviewTrigger.NotOnTrack : Reviews.ReviewTrigger.CollaborationDrop, signal.Id, now, ct);
        }

        var therapistTold = true;
        if (alerts.Any(a => a.Kind == AlertKind.Risk) || scored.Alerts.Any(a => a.Kind == AlertKind.Risk))
        {
            therapistTold = await risk.QueueMailAsync(engagement, ct);
        }

        Stage(AuditAction.Create, "MeasureResponse", response.Id, engagementId);
        foreach (var alert in alerts)
        {
            Stage(AuditAction.Create, "MeasureAlert", alert.Id, engagementId);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (idempotencyKey is not null && UniqueViolation.Is(ex))
        {
            // Another request with the same key won the race: answer with its result.
            db.ChangeTracker.Clear();
            return await FindReplayAsync(engagement, idempotencyKey, hash, ct)
                ?? throw new DomainException("A submission with this Idempotency-Key is still being handled. Try again in a moment.", DomainError.Conflict);
        }

        Infrastructure.Observability.TandemMetrics.ResponseSubmitted(instrument.Id);
        foreach (var alert in alerts)
        {
            Infrastructure.Observability.TandemMetrics.AlertRaised(alert.Kind);
        }

        if (alerts.Count > 0)
        {
            await live.PublishAsync(AlertsRaised.For(engagement, me.Id, me.DisplayName, alerts.Any(a => a.Kind == AlertKind.Risk)), ct);
        }

        return await ToResultAsync(response, replayed: false, therapistTold, ct);
    }

    private async Task<List<MeasureAlert>> NewAlertsAsync(MeasureResponse response, IReadOnlyList<FiredRule> fired, ReliableChange? change, OnTrackDecision? onTrack, CancellationToken ct)
    {
        // Back within the expected range of its curve: an open "not on track" no longer holds either.
        var backOnTrack = onTrack is { Source: not CurveSource.FixedRule, NotOnTrack: false, Session: >= 2, Expected: { } expected };
        if (fired.Count == 0 && change != ReliableChange.Improvement && !backOnTrack)
        {
            return [];
        }

        // Risk alerts every time; the slower rules once while one of their kind is still open.
        var open = await db.Set<MeasureAlert>()
            .Where(a => a.EngagementId == response.EngagementId && a.SubjectUserId == response.RespondentId && a.InstrumentId == response.InstrumentId
                && a.AcknowledgedAt == null && a.ClosedAt == null)
            .ToListAsync(ct);

        // A later score with reliable improvement: "not on track" no longer holds, and Tandem says why it closed it.
        if (change == ReliableChange.Improvement || backOnTrack)
        {
            foreach (var notOnTrack in open.Where(a => a.Kind == AlertKind.NotOnTrack).ToList())
            {
                notOnTrack.CloseBecause(change == ReliableChange.Improvement
                    ? $"Closed by Tandem: a later score ({response.Total}, {response.SubmittedAt:yyyy-MM-dd}) shows reliable improvement since the first."
                    : $"Closed by Tandem: a later score ({response.Total}, {response.SubmittedAt:yyyy-MM-dd}) is within the expected range (at or below {OnTrack.P(onTrack!.Expected!.P75)}, the 75th percentile at measurement {onTrack.Session}).", response.SubmittedAt);
                Stage(AuditAction.Update, "MeasureAlert", notOnTrack.Id, response.EngagementId);
                open.Remove(notOnTrack);
            }
        }

        var fresh = new List<MeasureAlert>();
        foreach (var rule in fired.Where(f => f.Kind == AlertKind.Risk || !open.Any(a => a.Kind == f.Kind)))
        {
            // The same risk answer, refused a moment ago (its alert is open, with no saved answers) and now saved: that alert gets the answers.
            var unsaved = rule.Kind == AlertKind.Risk
                ? open.FirstOrDefault(a => a.Kind == AlertKind.Risk && a.ResponseId is null && response.SubmittedAt - a.RaisedAt <= UnsavedRiskWindow)
                : null;
            if (unsaved is not null)
            {
                unsaved.AttachSavedAnswers(response);
                Stage(AuditAction.Update, "MeasureAlert", unsaved.Id, response.EngagementId);
                continue;
            }

            fresh.Add(MeasureAlert.Raise(response, rule));
        }

        return fresh;
    }

    private async Task<ResponseResult?> FindReplayAsync(Engagement engagement, string key, string hash, CancellationToken ct)
    {
        // Keys belong to the person who sent them, in one engagement: another person's key is not ours to replay or refuse.
        var myId = me.Id;
        var first = await db.Set<MeasureResponse>().AsNoTracking()
            .FirstOrDefaultAsync(r => r.RespondentId == myId && r.EngagementId == engagement.Id && r.IdempotencyKey == key, ct);
        if (first is null)
        {
            return null;
        }

        if (first.RequestHash != hash)
        {
            // draft-ietf-httpapi-idempotency-key-header: a key reused with a different payload is 422.
            throw new DomainException("These answers were not saved: this Idempotency-Key was already used for different answers. Use a new key for a new submission.", DomainError.KeyReused);
        }

        await audit.RecordAsync(new AuditEvent
        {
            Action = AuditAction.Read,
            ObjectType = "MeasureResponse",
            ObjectId = first.Id.ToString(),
            EngagementId = first.EngagementId,
            SubjectUserId = first.RespondentId,
            DataCategory = AuditCategories.Clinical,
        }, ct);
        return await ToResultAsync(first, replayed: true, therapistTold: true, ct);
    }

    private async Task<ResponseResult> ToResultAsync(MeasureResponse response, bool replayed, bool therapistTold, CancellationToken ct)
    {
        var flags = response.FlagList;
        var crisisText = flags.Contains("risk") ? await crisis.TextAsync(therapistTold, ct) : null;
        PreferenceResult? preferences = null;
        if (response.InstrumentId == InstrumentCatalog.Preferences)
        {
            var instrument = instruments.BuiltIn.Get(InstrumentCatalog.Preferences);
            preferences = PreferenceScoring.Score(FhirResponses.Read(instrument, response.QuestionnaireResponseJson)
                .Where(a => a.Score is not null && instrument.Item(a.LinkId)?.Dimension is not null)
                .Select(a => (instrument.Item(a.LinkId)!.Dimension!.Value, a.Score!.Value)).ToList());
        }

        return new ResponseResult(response.Id, response.InstrumentId, response.SubmittedAt, response.Total, response.Band, flags, response.ReliableChange, crisisText, preferences, replayed);
    }

    private void Stage(AuditAction action, string type, Guid id, Guid engagementId) => audit.Stage(new AuditEvent
    {
        Action = action,
        ObjectType = type,
        ObjectId = id.ToString(),
        EngagementId = engagementId,
        SubjectUserId = me.Id,
        DataCategory = AuditCategories.Clinical,
    });

    private static string? NormaliseKey(string? key)
    {
        key = key?.Trim();
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        if (key.Length > MeasureResponse.IdempotencyKeyMaxLength)
        {
            throw new DomainException($"An Idempotency-Key is at most {MeasureResponse.IdempotencyKeyMaxLength} characters.", DomainError.BadRequest);
        }

        return key;
    }

    private static string Hash(SubmitResponseCommand command)
    {
        var canonical = JsonSerializer.Serialize(new
        {
            i = command.InstrumentId,
            s = command.SessionId,
            a = (command.Answers ?? []).Select(a => new { l = a?.LinkId, v = a?.Value.ValueKind is null or JsonValueKind.Undefined ? "" : a.Value.GetRawText() }),
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}

/// <summary>Recognises a unique-index violation on either provider.</summary>
internal static class UniqueViolation
{
    public static bool Is(DbUpdateException ex) => ex.InnerException switch
    {
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode == 2067,
        Npgsql.PostgresException pg => pg.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
