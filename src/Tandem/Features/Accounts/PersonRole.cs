namespace Tandem.Features.Accounts;

/// <summary>One role per account within its practice.</summary>
public enum PersonRole
{
    Client = 0,
    Therapist = 1,
    PracticeAdmin = 2,
}

public static class Roles
{
    public const string Client = nameof(PersonRole.Client);
    public const string Therapist = nameof(PersonRole.Therapist);
    public const string PracticeAdmin = nameof(PersonRole.PracticeAdmin);
}
