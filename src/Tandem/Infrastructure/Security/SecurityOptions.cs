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

    /// <summary>Failed sign-ins (passwords and second-factor codes) an account may have before each further attempt waits (1, 2, 4... s).</summary>
    public int SignInFreeFailures { get; set; } = 5;

    /// <summary>The longest an account's next attempt waits; a stranger can never keep the person out longer than this.</summary>
    public TimeSpan SignInDelayCap { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Failed sign-ins from one client address, across all accounts, before its attempts wait too.</summary>
    public int SignInSourceFreeFailures { get; set; } = 20;

    public TimeSpan SignInSourceDelayCap { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failures older than this are forgotten; the owner is emailed at most once per window.</summary>
    public TimeSpan SignInFailureWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long an address a person signed in from stays one of their usual places (its own failures count, not everyone's).</summary>
    public TimeSpan SignInUsualSourceLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a web node may trust its cached view of an account (deactivation reaches every node within this).</summary>
    public TimeSpan AccountStatusCacheDuration { get; set; } = TimeSpan.FromSeconds(30);
}
