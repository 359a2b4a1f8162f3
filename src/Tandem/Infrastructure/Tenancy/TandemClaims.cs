namespace Tandem.Infrastructure.Tenancy;

public static class TandemClaims
{
    public const string PracticeId = "tandem:practice";
    public const string DisplayName = "tandem:name";
    public const string TimeZone = "tandem:tz";
    /// <summary>When the person proved who they are; the absolute session limit counts from here.</summary>
    public const string AuthTime = "auth_time";
}
