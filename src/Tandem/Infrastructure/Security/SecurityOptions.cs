namespace Tandem.Infrastructure.Security;

/// <summary>Session and sign-in limits (configuration section "Security"). Defaults follow QUALITY.md S5.</summary>
public sealed class SecurityOptions
{
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    public TimeSpan AbsoluteTimeout { get; set; } = TimeSpan.FromHours(12);

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Sign-in attempts allowed per client address in <see cref="SignInWindow"/>.</summary>
    public int SignInPermitLimit { get; set; } = 10;

    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First-conversation requests (public, anonymous) allowed per client address in <see cref="FirstConversationWindow"/>.</summary>
    public int FirstConversationPermitLimit { get; set; } = 5;

    public TimeSpan FirstConversationWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a web node may trust its cached view of an account (deactivation reaches every node within this).</summary>
    public TimeSpan AccountStatusCacheDuration { get; set; } = TimeSpan.FromSeconds(30);
}
