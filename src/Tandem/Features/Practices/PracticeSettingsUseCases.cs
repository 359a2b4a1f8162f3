using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Measures;
using Tandem.Features.Measures.Instruments;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Practices;

/// <summary>One measure a new engagement starts with: an instrument and when it is asked for (as on an engagement's schedules).</summary>
public sealed record DefaultMeasure(string InstrumentId, ScheduleKind Kind, int? IntervalWeeks = null, int? LeadHours = null);

public sealed record PracticeSettingsView(
    string PracticeName,
    string ExpectedReply,
    string CrisisInformation,
    DateTimeOffset? UpdatedAt,
    string TimeZone = "UTC",
    string? Address = null,
    string? OnlineSessionPolicy = null,
    int ReminderHoursBefore = PracticeSettings.DefaultReminderHours,
    string? BrandColour = null,
    IReadOnlyList<DefaultMeasure>? DefaultMeasures = null,
    string? LogoUrl = null,
    bool ClientsEnterWhenTherapistIsIn = false);

/// <summary>How a practice looks to someone not signed in yet: name, colour ("#rrggbb" or null) and the logo's path on Tandem (or null).</summary>
public sealed record PracticeBranding(Guid PracticeId, string Name, string? Colour, string? LogoPath);

/// <summary>What the admin changes; null leaves a setting as it is (so older callers that send only the first two keep working).</summary>
public sealed record PracticeSettingsChange(
    string? ExpectedReply,
    string? CrisisInformation,
    string? Name = null,
    string? TimeZone = null,
    string? Address = null,
    string? OnlineSessionPolicy = null,
    int? ReminderHoursBefore = null,
    string? BrandColour = null,
    IReadOnlyList<DefaultMeasure>? DefaultMeasures = null,
    bool? ClientsEnterWhenTherapistIsIn = null);

/// <summary>
/// Anyone signed in reads their own practice's settings (the client sees the expected reply
/// time, the crisis information, the address and the online-session policy); only the practice
/// admin changes them, audited.
/// </summary>
public sealed class PracticeSettingsUseCases(TandemDbContext db, CurrentUser me, AuditTrail audit, TimeProvider time, PracticeInstruments instruments)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public Task<PracticeSettingsView> GetAsync(CancellationToken ct = default) => GetForAsync(me.PracticeId, ct);

    /// <summary>Read without a signed-in person (the sign-in page, the mail dispatcher): no logo bytes, only whether there is one.</summary>
    public async Task<PracticeSettingsView> GetForAsync(Guid practiceId, CancellationToken ct = default)
    {
        var practice = await db.Practices.AsNoTracking().Where(p => p.Id == practiceId).Select(p => new { p.Name, p.TimeZone }).FirstOrDefaultAsync(ct);
        var settings = await db.Set<PracticeSettings>().AsNoTracking().Where(s => s.PracticeId == practiceId)
            .Select(s => new
            {
                s.ExpectedReply, s.CrisisInformation, s.UpdatedAt, s.Address, s.OnlineSessionPolicy, s.ReminderHoursBefore, s.BrandColour,
                s.DefaultMeasuresJson, s.LogoUpdatedAt, HasLogo = s.Logo != null, s.ClientsEnterWhenTherapistIsIn,
            })
            .FirstOrDefaultAsync(ct);
        var defaults = PracticeSettings.Defaults(practiceId);
        return new PracticeSettingsView(
            practice?.Name ?? "",
            settings?.ExpectedReply ?? defaults.ExpectedReply,
            settings?.CrisisInformation ?? defaults.CrisisInformation,
            settings?.UpdatedAt,
            practice?.TimeZone ?? "UTC",
            settings?.Address,
            settings?.OnlineSessionPolicy,
            settings?.ReminderHoursBefore ?? defaults.ReminderHoursBefore,
            settings?.BrandColour,
            ReadMeasures(settings?.DefaultMeasuresJson),
            settings is { HasLogo: true } ? LogoPath(practiceId, settings.LogoUpdatedAt) : null,
            settings?.ClientsEnterWhenTherapistIsIn ?? false);
    }

    /// <summary>
    /// The branding for a page nobody is signed in to (the sign-in page) and for emails: the practice
    /// asked for, or, when the installation has exactly one practice, that one; otherwise none.
    /// </summary>
    public async Task<PracticeBranding?> BrandingAsync(Guid? practiceId, CancellationToken ct = default)
    {
        using var system = db.Tenant.AsSystem();
        if (practiceId is null)
        {
            var only = await db.Practices.AsNoTracking().Select(p => p.Id).Take(2).ToListAsync(ct);
            if (only.Count != 1)
            {
                return null;
            }

            practiceId = only[0];
        }

        var id = practiceId.Value;
        var name = await db.Practices.AsNoTracking().Where(p => p.Id == id).Select(p => p.Name).FirstOrDefaultAsync(ct);
        if (name is null)
        {
            return null;
        }

        var look = await db.Set<PracticeSettings>().AsNoTracking().Where(s => s.PracticeId == id)
            .Select(s => new { s.BrandColour, s.LogoUpdatedAt, HasLogo = s.Logo != null }).FirstOrDefaultAsync(ct);
        return new PracticeBranding(id, name, look?.BrandColour, look is { HasLogo: true } ? LogoPath(id, look.LogoUpdatedAt) : null);
    }

    /// <summary>The brand style sheet's path (relative, for pages); the number changes with the colour, so caches never keep an old one.</summary>
    public static string BrandCssPath(Guid practiceId, string? colour) =>
        $"practice-brand/{practiceId}.css?v={(colour is { Length: 7 } ? int.Parse(colour.AsSpan(1), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) : 0)}";

    /// <summary>The logo's path on Tandem; the time in it changes with the logo, so caches never show an old one.</summary>
    public static string LogoPath(Guid practiceId, DateTimeOffset? updatedAt) => $"/practice-logo/{practiceId}?v={updatedAt?.ToUnixTimeSeconds() ?? 0}";

    public Task<PracticeSettingsView> UpdateAsync(string? expectedReply, string? crisisInformation, CancellationToken ct = default) =>
        UpdateAsync(new PracticeSettingsChange(expectedReply, crisisInformation), ct);

    public async Task<PracticeSettingsView> UpdateAsync(PracticeSettingsChange change, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var settings = await LoadForChangeAsync(ct);
        var now = time.GetUtcNow();
        var measures = change.DefaultMeasures is null ? null : JsonSerializer.Serialize(await CheckMeasuresAsync(change.DefaultMeasures, ct), Json);
        settings.Update(change.ExpectedReply, change.CrisisInformation, me.Id, now);
        settings.UpdateDetails(change.Address, change.OnlineSessionPolicy, change.ReminderHoursBefore, change.BrandColour, measures, me.Id, now);
        settings.SetDirectEntry(change.ClientsEnterWhenTherapistIsIn, me.Id, now);
        if (change.Name is not null || change.TimeZone is not null)
        {
            var practiceId = me.PracticeId;
            var practice = await db.Practices.FirstAsync(p => p.Id == practiceId, ct);
            if (change.Name is not null)
            {
                practice.Rename(change.Name);
            }

            if (change.TimeZone is not null)
            {
                practice.MoveTo(change.TimeZone);
            }
        }

        Stage("PracticeSettings");
        await db.SaveChangesAsync(ct);
        return await GetAsync(ct);
    }

    /// <summary>Sets (or, with null, removes) the logo. The bytes decide the type: PNG or JPEG, at most 200 KB.</summary>
    public async Task SetLogoAsync(byte[]? bytes, CancellationToken ct = default)
    {
        var settings = await LoadForChangeAsync(ct);
        settings.SetLogo(bytes, me.Id, time.GetUtcNow());
        Stage(bytes is null ? "PracticeLogo.Removed" : "PracticeLogo");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The logo for the public route (sign-in page, emails): branding, not a record, so no one needs to be signed in.</summary>
    public async Task<(byte[] Bytes, string ContentType)?> LogoAsync(Guid practiceId, CancellationToken ct = default)
    {
        using var system = db.Tenant.AsSystem();
        var logo = await db.Set<PracticeSettings>().AsNoTracking().Where(s => s.PracticeId == practiceId && s.Logo != null)
            .Select(s => new { s.Logo, s.LogoContentType }).FirstOrDefaultAsync(ct);
        return logo is { Logo: { } bytes, LogoContentType: { } type } ? (bytes, type) : null;
    }

    public static IReadOnlyList<DefaultMeasure> ReadMeasures(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<List<DefaultMeasure>>(json, Json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private async Task<List<DefaultMeasure>> CheckMeasuresAsync(IReadOnlyList<DefaultMeasure> wanted, CancellationToken ct)
    {
        if (wanted.Count > PracticeSettings.MaxDefaultMeasures || wanted.Select(m => m.InstrumentId).Distinct(StringComparer.Ordinal).Count() != wanted.Count)
        {
            throw Invalid($"Choose up to {PracticeSettings.MaxDefaultMeasures} measures, each instrument once.");
        }

        var list = new List<DefaultMeasure>();
        foreach (var m in wanted)
        {
            var instrument = await instruments.FindForUseAsync(m.InstrumentId, ct) ?? throw Invalid($"Unknown instrument: {m.InstrumentId}.");
            if (!Enum.IsDefined(m.Kind)
                || (m.Kind == ScheduleKind.EveryNWeeks && m.IntervalWeeks is not (>= 1 and <= MeasureSchedule.MaxWeeks))
                || (m.Kind == ScheduleKind.BeforeEachSession && m.LeadHours is not (>= 1 and <= MeasureSchedule.MaxLeadHours)))
            {
                throw Invalid($"For {instrument.Title}: every 1 to {MeasureSchedule.MaxWeeks} weeks, 1 to {MeasureSchedule.MaxLeadHours} hours before each session, or once.");
            }

            list.Add(new DefaultMeasure(instrument.Id, m.Kind, m.Kind == ScheduleKind.EveryNWeeks ? m.IntervalWeeks : null, m.Kind == ScheduleKind.BeforeEachSession ? m.LeadHours : null));
        }

        return list;
    }

    private static DomainException Invalid(string sentence) =>
        new(sentence, DomainError.Invalid, new Dictionary<string, string[]> { ["defaultMeasures"] = [sentence] });

    private async Task<PracticeSettings> LoadForChangeAsync(CancellationToken ct)
    {
        if (!me.IsAdmin)
        {
            throw DomainException.NotFound();
        }

        var practiceId = me.PracticeId;
        var settings = await db.Set<PracticeSettings>().FirstOrDefaultAsync(s => s.PracticeId == practiceId, ct);
        if (settings is null)
        {
            settings = PracticeSettings.Defaults(practiceId);
            db.Set<PracticeSettings>().Add(settings);
        }

        return settings;
    }

    private void Stage(string what) => audit.Stage(new AuditEvent
    {
        Action = AuditAction.Update,
        ObjectType = what,
        ObjectId = me.PracticeId.ToString(),
        DataCategory = AuditCategories.Administrative,
        Purpose = AuditPurposes.Administration,
    });
}
