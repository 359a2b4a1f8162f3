using Tandem.Features.Engagements;

namespace Tandem.Features.Plans;

/// <summary>Who must accept a change before it applies.</summary>
public sealed record Approval(IReadOnlyList<Guid> Responders, bool AnyOneSuffices)
{
    public static readonly Approval None = new([], false);

    public bool AppliesAtOnce => Responders.Count == 0;
}

/// <summary>
/// The collaborative decision rules (issue: the shared plan), by format:
/// client-led: a client's change applies at once (therapists are told and can respond);
/// a therapist's waits until the clients accept. Therapist-led: a therapist's waits until
/// the clients accept; a client's waits until a therapist accepts. Always: a format change
/// needs every participant, and a goal is Agreed only when every client agrees (see Goal).
/// </summary>
public static class PlanRules
{
    public static Approval For(Engagement engagement, Guid authorId, bool isFormatChange)
    {
        var others = engagement.ActiveParticipants.Where(p => p.UserId != authorId).ToList();
        if (isFormatChange)
        {
            return new Approval(others.Select(p => p.UserId).ToList(), AnyOneSuffices: false);
        }

        var authorIsClient = engagement.IsClient(authorId);
        var clients = others.Where(p => p.Role == ParticipantRole.Client).Select(p => p.UserId).ToList();
        var therapists = others.Where(p => p.Role == ParticipantRole.Therapist).Select(p => p.UserId).ToList();
        return (engagement.Format, authorIsClient) switch
        {
            (EngagementFormat.ClientLed, true) => Approval.None,
            (EngagementFormat.TherapistLed, true) => therapists.Count == 0 ? Approval.None : new Approval(therapists, AnyOneSuffices: true),
            _ => clients.Count == 0 ? Approval.None : new Approval(clients, AnyOneSuffices: false),
        };
    }
}
