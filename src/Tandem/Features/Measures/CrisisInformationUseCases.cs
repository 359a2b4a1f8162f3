using Tandem.Features.Practices;

namespace Tandem.Features.Measures;

public sealed record CrisisInformationView(string Text, bool IsDefault, DateTimeOffset? UpdatedAt);

/// <summary>
/// The practice's crisis information as the measures feature needs it. It lives in one place,
/// the practice settings (also shown beside messages), so a change there shows everywhere.
/// </summary>
public sealed class CrisisInformationUseCases(PracticeSettingsUseCases settings)
{
    /// <summary>Said after a risk answer, whatever the practice writes: the therapist is told and Tandem is not watched around the clock.</summary>
    public const string FollowUp =
        "Your therapist has been told that you answered this question and will follow up with you. " +
        "Tandem is not watched around the clock, so please do not wait for a reply if you need help now.";

    /// <summary>Said instead when no therapist of the engagement is active: the practice is told.</summary>
    public const string PracticeFollowUp =
        "Your practice has been told that you answered this question, so that someone follows up with you. " +
        "Tandem is not watched around the clock, so please do not wait for a reply if you need help now.";

    public async Task<string> TextAsync(CancellationToken ct = default) => await TextAsync(therapistTold: true, ct);

    public async Task<string> TextAsync(bool therapistTold, CancellationToken ct = default) =>
        (await GetAsync(ct)).Text + "\n\n" + (therapistTold ? FollowUp : PracticeFollowUp);

    public async Task<CrisisInformationView> GetAsync(CancellationToken ct = default)
    {
        var view = await settings.GetAsync(ct);
        return new(view.CrisisInformation, view.CrisisInformation == PracticeSettings.DefaultCrisisInformation, view.UpdatedAt);
    }

    public async Task<CrisisInformationView> UpdateAsync(string text, CancellationToken ct = default)
    {
        var current = await settings.GetAsync(ct);
        var view = await settings.UpdateAsync(current.ExpectedReply, text, ct);
        return new(view.CrisisInformation, false, view.UpdatedAt);
    }
}
