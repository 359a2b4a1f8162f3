using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;
using Tandem.Features.Accounts;

namespace Tandem.Features.Measures.Instruments;

public sealed record PracticeInstrumentSummary(Guid Id, string Key, string Title, string? Version, PracticeInstrumentStatus Status, int Questions, DateTimeOffset UploadedAt, string UploadedByName);

public sealed record PreviewOption(string Display, int Value);

public sealed record PreviewItem(string LinkId, string Text, string Type, bool Required, bool Scored, IReadOnlyList<PreviewOption> Options);

/// <summary>What a person checks before enabling an import: every question, its answers with their values, and how it is scored.</summary>
public sealed record PracticeInstrumentPreview(
    Guid Id,
    string Key,
    string Title,
    string? Version,
    string? SourceUrl,
    PracticeInstrumentStatus Status,
    string ScoringMethod,
    string Scoring,
    int MinTotal,
    int MaxTotal,
    string? Stem,
    string? Copyright,
    IReadOnlyList<PreviewItem> Items,
    DateTimeOffset UploadedAt,
    string UploadedByName,
    DateTimeOffset? EnabledAt,
    string? EnabledByName);

/// <summary>
/// A practice adds its own instruments (issue 9): a therapist or the practice admin uploads a
/// FHIR R4 Questionnaire, which is checked (<see cref="QuestionnaireImport"/>) and stored as a
/// draft; after its preview someone enables it, and from then on it can be sent and answered like
/// a built-in, scored by summing answer values. Upload, enable and disable are audited writes of
/// practice administration; reading the list is not clinical and is not audited.
/// </summary>
public sealed class PracticeInstrumentUseCases(TandemDbContext db, CurrentUser me, AuditTrail audit, TimeProvider time, ImportedInstrumentCache cache)
{
    public const int MaxListed = 200;

    public async Task<PracticeInstrumentPreview> UploadAsync(ReadOnlyMemory<byte> body, string? key, CancellationToken ct = default)
    {
        RequireStaff();
        var practiceId = me.PracticeId;
        var taken = await db.Set<PracticeInstrument>().AsNoTracking().Select(i => i.Key).Take(10_000).ToListAsync(ct);
        var candidate = QuestionnaireImport.Check(body.Span, key, k => taken.Contains(k, StringComparer.Ordinal));
        var row = PracticeInstrument.Upload(practiceId, candidate.Key, candidate.Title, candidate.Version, candidate.SourceUrl, candidate.QuestionnaireJson, candidate.ScoringMethod, me.Id, time.GetUtcNow());
        db.Add(row);
        Stage(AuditAction.Create, row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (UniqueViolation.Is(ex))
        {
            throw new DomainException($"Your practice already has an instrument with the key \"{candidate.Key}\". Choose another key.", DomainError.Conflict);
        }

        return await PreviewAsync(row.Id, ct);
    }

    public async Task<IReadOnlyList<PracticeInstrumentSummary>> ListAsync(CancellationToken ct = default)
    {
        RequireStaff();
        var rows = await db.Set<PracticeInstrument>().AsNoTracking().OrderByDescending(i => i.UploadedAt).Take(MaxListed).ToListAsync(ct);
        var names = await NamesAsync(rows.Select(r => r.UploadedBy), ct);
        return rows.Select(r => new PracticeInstrumentSummary(r.Id, r.Key, r.Title, r.Version, r.Status, cache.For(r).Items.Count, r.UploadedAt,
            names.GetValueOrDefault(r.UploadedBy, "Former member"))).ToList();
    }

    public async Task<PracticeInstrumentPreview> PreviewAsync(Guid id, CancellationToken ct = default)
    {
        RequireStaff();
        var row = await db.Set<PracticeInstrument>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct) ?? throw DomainException.NotFound();
        var instrument = cache.For(row);
        var names = await NamesAsync([row.UploadedBy, .. row.EnabledBy is { } e ? new[] { e } : []], ct);
        var items = instrument.Items.Select(i => new PreviewItem(i.LinkId, i.Text, i.Kind == ItemKind.Choice ? "choice" : "text", i.Required, i.Scored,
            i.Options.Select(o => new PreviewOption(o.Display, o.Score)).ToList())).ToList();
        var scoredCount = items.Count(i => i.Scored);
        var scoring = $"Total score: the sum of the answer values of {(scoredCount == 1 ? "1 scored question" : $"{scoredCount} scored questions")}, from {instrument.MinTotal} to {instrument.MaxTotal}. No bands or alerts.";
        return new PracticeInstrumentPreview(row.Id, row.Key, row.Title, row.Version, row.SourceUrl, row.Status, row.ScoringMethod, scoring, instrument.MinTotal, instrument.MaxTotal,
            instrument.Stem, instrument.Copyright, items, row.UploadedAt, names.GetValueOrDefault(row.UploadedBy, "Former member"),
            row.EnabledAt, row.EnabledBy is { } by ? names.GetValueOrDefault(by, "Former member") : null);
    }

    public Task<PracticeInstrumentPreview> EnableAsync(Guid id, CancellationToken ct = default) =>
        ChangeAsync(id, row => row.Enable(me.Id, time.GetUtcNow()), ct);

    public Task<PracticeInstrumentPreview> DisableAsync(Guid id, CancellationToken ct = default) =>
        ChangeAsync(id, row => row.Disable(me.Id, time.GetUtcNow()), ct);

    private async Task<PracticeInstrumentPreview> ChangeAsync(Guid id, Action<PracticeInstrument> change, CancellationToken ct)
    {
        RequireStaff();
        var row = await db.Set<PracticeInstrument>().FirstOrDefaultAsync(i => i.Id == id, ct) ?? throw DomainException.NotFound();
        change(row);
        Stage(AuditAction.Update, row);
        await db.SaveChangesAsync(ct);
        return await PreviewAsync(id, ct);
    }

    /// <summary>The endpoints and the page say so too; this keeps the use case safe on its own.</summary>
    private void RequireStaff()
    {
        if (!me.IsSignedIn || !(me.IsTherapist || me.IsAdmin))
        {
            throw DomainException.NotFound();
        }
    }

    private async Task<Dictionary<Guid, string>> NamesAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var list = ids.Distinct().ToList();
        return await db.DisplayNamesAsync(list, ct);
    }

    private void Stage(AuditAction action, PracticeInstrument row) => audit.Stage(new AuditEvent
    {
        Action = action,
        ObjectType = "PracticeInstrument",
        ObjectId = row.Id.ToString(),
        DataCategory = AuditCategories.Administrative,
        Purpose = AuditPurposes.Administration,
    });
}
