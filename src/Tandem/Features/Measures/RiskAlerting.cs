using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Measures.Instruments;
using Tandem.Features.Measures.Scoring;
using Tandem.Infrastructure.Mail;

namespace Tandem.Features.Measures;

/// <summary>
/// Makes sure a risk answer always reaches a person. Every risk alert is emailed at once
/// (through the outbox, never delayed or coalesced, whatever the notification settings) to the
/// engagement's active therapists, or to the practice admins when none is active; the email
/// carries no clinical content. And when a submission carrying a risk answer is refused (a
/// missing answer, a reused Idempotency-Key, an engagement that cannot take answers now), the
/// risk alert is still raised and audited, so no path ends with the server having seen a risk
/// answer and nobody told.
/// </summary>
public sealed class RiskAlerting(TandemDbContext db, AuditTrail audit, TimeProvider time, MailOutbox outbox, LinkBuilder links, Infrastructure.Live.LiveUpdates live, Infrastructure.Security.CurrentUser me, CrisisInformationUseCases crisis)
{
    public const string MailKind = "risk-alert";

    /// <summary>Queues the email about a new risk alert in the caller's unit of work; returns whether a therapist (rather than an admin) was told.</summary>
    public async Task<bool> QueueMailAsync(Engagement engagement, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(engagement);
        var therapistIds = engagement.Therapists.Select(t => t.UserId).ToList();
        var therapists = await db.Users.AsNoTracking()
            .Where(u => therapistIds.Contains(u.Id) && u.IsActive && u.Email != null)
            .Select(u => u.Email!).ToListAsync(ct);
        foreach (var email in therapists)
        {
            outbox.Enqueue(engagement.PracticeId, email, "A client's answer needs your attention in Tandem",
                "Hello,\n\nA client's answer to a questionnaire in Tandem needs your attention today.\n\n" +
                $"Sign in to see it: {links.Base}/alerts\n\n" +
                "For the client's privacy this email does not say who it is or what they answered.\n" +
                "Emails about answers that need attention are always sent at once; they cannot be turned off.\n", MailKind);
        }

        if (therapists.Count > 0)
        {
            return true;
        }

        // Nobody of the engagement can act on it: the practice admins are told, so someone arranges care.
        var admins = await db.Users.AsNoTracking()
            .Where(u => u.PracticeId == engagement.PracticeId && u.Role == PersonRole.PracticeAdmin && u.IsActive && u.Email != null)
            .Select(u => u.Email!).ToListAsync(ct);
        foreach (var email in admins)
        {
            outbox.Enqueue(engagement.PracticeId, email, "A client's answer needs attention in Tandem",
                "Hello,\n\nA client answered a questionnaire in Tandem in a way that needs a therapist's attention today, " +
                "and no therapist of their engagement is active in Tandem.\n\n" +
                $"Sign in to arrange who follows up (emergency access is on the practice's engagements page): {links.Base}/\n\n" +
                "For the client's privacy this email does not say who it is or what they answered.\n", MailKind);
        }

        return false;
    }

    /// <summary>The crisis text shown to the person, saying truthfully who has been told.</summary>
    public async Task<string> CrisisTextAsync(bool therapistTold, CancellationToken ct = default) =>
        await crisis.TextAsync(therapistTold, ct);

    /// <summary>
    /// For a refused submission: when it carries a risk answer, raises and audits the risk alert in
    /// its own transaction, emails, and returns the crisis text to show; otherwise null.
    /// </summary>
    public async Task<string?> CatchRefusedAsync(Engagement engagement, Guid respondentId, Instrument? instrument, string? instrumentId,
        IReadOnlyList<RawAnswer>? answers, string refusal, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(engagement);
        if (RiskAnswerIn(instrument, answers) is not { } answer)
        {
            return null;
        }

        // Whatever the failed attempt left behind is not written: only the alert and its audit entry.
        db.ChangeTracker.Clear();
        audit.DiscardStaged();
        var title = instrument?.Title ?? InstrumentCatalog.TitleOf(instrumentId ?? "");
        var rule = ResponseScorer.RiskFor(title, answer).Rule +
            $" These answers were not saved ({refusal.TrimEnd('.')}), so this alert is the record of that answer.";
        var alert = MeasureAlert.RaiseUnsaved(engagement.PracticeId, engagement.Id, respondentId, instrument?.Id ?? instrumentId ?? "", rule, time.GetUtcNow());
        db.Add(alert);
        audit.Stage(new AuditEvent
        {
            Action = AuditAction.Create,
            ObjectType = "MeasureAlert",
            ObjectId = alert.Id.ToString(),
            EngagementId = engagement.Id,
            SubjectUserId = respondentId,
            DataCategory = AuditCategories.Clinical,
        });
        var therapistTold = await QueueMailAsync(engagement, ct);
        await db.SaveChangesAsync(ct);
        Infrastructure.Observability.TandemMetrics.AlertRaised(AlertKind.Risk);
        await live.PublishAsync(AlertsRaised.For(engagement, me.Id, me.DisplayName, includesRisk: true), ct);
        return await CrisisTextAsync(therapistTold, ct);
    }

    /// <summary>
    /// The risk answer in raw answers, checked as loosely as possible: the risk item of the
    /// instrument (or, when the instrument is unknown, the linkId of PHQ-9 item 9) with any whole
    /// number above 0, even one that is not among the options. Returns the answer's label.
    /// </summary>
    public static string? RiskAnswerIn(Instrument? instrument, IReadOnlyList<RawAnswer>? answers)
    {
        foreach (var answer in answers ?? [])
        {
            if (answer?.LinkId is not { } linkId)
            {
                continue;
            }

            var item = instrument?.Item(linkId);
            var isRiskItem = item is not null ? RiskRule.IsRiskItem(item.LoincCode) : instrument is null && linkId == RiskRule.Phq9Item9;
            if (!isRiskItem || WholeNumber(answer.Value) is not { } value || !RiskRule.IsRisk(value))
            {
                continue;
            }

            return item?.OptionFor(value)?.Display ?? $"answer value {value.ToString(CultureInfo.InvariantCulture)}";
        }

        return null;
    }

    private static int? WholeNumber(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt32(out var n) => n,
        JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };
}
