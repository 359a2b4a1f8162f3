namespace Tandem.Infrastructure.Tenancy;

public static class TandemClaims
{
    public const string PracticeId = "tandem:practice";
    public const string DisplayName = "tandem:name";
    public const string TimeZone = "tandem:tz";
    /// <summary>When the person proved who they are; the absolute session limit counts from here.</summary>
    public const string AuthTime = "auth_time";

    /// <summary>The server-side sign-in session (SignInSessions row) this cookie or token belongs to; every request checks it.</summary>
    public const string SessionId = "tandem:sid";

    /// <summary>Which refresh token of the session's family this is: each works once (a reused one ends the family).</summary>
    public const string RefreshGeneration = "tandem:rgen";
}
