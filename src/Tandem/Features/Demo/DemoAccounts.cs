using Tandem.Features.Accounts;

namespace Tandem.Features.Demo;

/// <summary>The demo practices and people of API.md. Reserved .test domain; never real people.</summary>
public static class DemoAccounts
{
    public const string DefaultPassword = "Tandem-demo-2026!";

    public sealed record Person(string Key, string Practice, string Email, string DisplayName, string? Pronouns, PersonRole Role, string TimeZone, string Description);

    public const string Riverside = "Riverside";
    public const string Harbor = "Harbor";

    public static readonly IReadOnlyList<Person> People =
    [
        new("admin", Riverside, "admin@riverside.test", "Dana Whitfield", "she/her", PersonRole.PracticeAdmin, "Europe/London", "practice admin"),
        new("alex", Riverside, "alex@riverside.test", "Alex Rivera", "they/them", PersonRole.Therapist, "Europe/London", "therapist"),
        new("sam", Riverside, "sam@riverside.test", "Sam Okafor", "he/him", PersonRole.Client, "Europe/London", "client of Alex, client-led"),
        new("jordan", Riverside, "jordan@riverside.test", "Jordan Ellis", "she/her", PersonRole.Client, "America/New_York", "client of Alex, therapist-led"),
        new("morgan", Riverside, "morgan@riverside.test", "Morgan Chen", "she/her", PersonRole.Therapist, "Europe/London", "therapist"),
        new("casey", Riverside, "casey@riverside.test", "Casey Nguyen", "they/them", PersonRole.Client, "Europe/London", "client of Morgan"),
        new("riley", Riverside, "riley@riverside.test", "Riley Brooks", "she/her", PersonRole.Client, "Europe/London", "couple with Avery, with Morgan"),
        new("avery", Riverside, "avery@riverside.test", "Avery Brooks", "he/him", PersonRole.Client, "Europe/London", "couple with Riley, with Morgan"),
        new("harbor-admin", Harbor, "admin@harbor.test", "Noor Haddad", "she/her", PersonRole.PracticeAdmin, "America/Los_Angeles", "practice admin"),
        new("lee", Harbor, "lee@harbor.test", "Lee Harper", "he/him", PersonRole.Therapist, "America/Los_Angeles", "therapist"),
        new("kim", Harbor, "kim@harbor.test", "Kim Santos", "she/her", PersonRole.Client, "America/Los_Angeles", "client of Lee"),
    ];

    public static string PracticeTimeZone(string practice) => practice == Harbor ? "America/Los_Angeles" : "Europe/London";
}
