namespace Tandem.Features.Video;

/// <summary>
/// Where the browsers find their way to each other (configuration section <c>Video</c>; docs/operations.md, "Online
/// sessions"). Without TURN, two people on ordinary home networks usually connect directly (STUN is enough); behind
/// stricter firewalls the call needs a TURN relay, such as coturn run beside Tandem with a shared secret.
/// </summary>
public sealed class VideoOptions
{
    /// <summary>STUN servers (<c>stun:host:port</c>), none by default: Tandem never sends a browser to a third party unasked.</summary>
    public string[] StunUrls { get; set; } = [];

    /// <summary>TURN servers (<c>turn:host:3478?transport=udp</c>, <c>turns:host:5349</c>); used only with <see cref="TurnSecret"/>.</summary>
    public string[] TurnUrls { get; set; } = [];

    /// <summary>coturn's <c>static-auth-secret</c>: each participant gets credentials of its shared-secret scheme.</summary>
    public string? TurnSecret { get; set; }

    /// <summary>How long a participant's TURN credentials last (coturn refuses them after; a rejoin gets new ones).</summary>
    public TimeSpan TurnCredentialLifetime { get; set; } = TimeSpan.FromHours(4);

    /// <summary>"all" (default) or "relay": relay only, every byte through TURN (for networks that must not reveal addresses, and to test the TURN path).</summary>
    public string IceTransportPolicy { get; set; } = "all";

    /// <summary>At most this many people in one call (a mesh: every browser sends to every other).</summary>
    public int MaxParticipants { get; set; } = 4;
}
