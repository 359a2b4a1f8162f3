namespace Tandem.Bench;

/// <summary>
/// The data set sizes of QUALITY.md (large), a tenth of it (small) and a tiny one for the smoke
/// run (quick). Per client: one engagement, <see cref="SessionsPerClient"/> sessions with notes,
/// <see cref="ResponsesPerClient"/> questionnaire responses, <see cref="MessagesPerClient"/> messages.
/// </summary>
public sealed record SeedSize(string Name, int Practices, int Therapists, int Clients)
{
    public const int SessionsPerClient = 30;
    public const int ResponsesPerClient = 100;
    public const int MessagesPerClient = 50;

    public static readonly SeedSize Large = new("large", 20, 400, 10_000);
    public static readonly SeedSize Small = new("small", 2, 40, 1_000);
    public static readonly SeedSize Quick = new("quick", 1, 4, 100);

    public static SeedSize Parse(string name) => name.ToLowerInvariant() switch
    {
        "large" or "full" => Large,
        "small" => Small,
        "quick" => Quick,
        _ => throw new ArgumentException($"Unknown size '{name}': quick, small or large."),
    };

    public override string ToString() => Name;
}
