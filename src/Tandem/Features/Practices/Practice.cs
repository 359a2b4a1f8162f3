using Tandem.Infrastructure.Errors;

namespace Tandem.Features.Practices;

/// <summary>A practice is a tenant: every clinical record belongs to exactly one.</summary>
public sealed class Practice
{
    public const int NameMaxLength = 120;

    private Practice()
    {
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public string TimeZone { get; private set; } = "UTC";

    public bool IsDemo { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public void Rename(string name)
    {
        name = (name ?? "").Trim();
        if (name.Length is 0 or > NameMaxLength)
        {
            throw new DomainException($"A practice name is 1 to {NameMaxLength} characters.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["name"] = [$"1 to {NameMaxLength} characters."] });
        }

        Name = name;
    }

    /// <summary>The practice's zone (new people start with it; each person keeps their own).</summary>
    public void MoveTo(string timeZone)
    {
        try
        {
            TimeZone = TimeZones.Require(timeZone);
        }
        catch (DomainException)
        {
            throw new DomainException("Choose a time zone from the list, such as Europe/London.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["timeZone"] = ["Choose a time zone from the list, such as Europe/London."] });
        }
    }

    public static Practice Create(string name, string timeZone, DateTimeOffset now, bool isDemo = false)
    {
        name = (name ?? "").Trim();
        if (name.Length is 0 or > NameMaxLength)
        {
            throw new DomainException($"A practice name is 1 to {NameMaxLength} characters.");
        }

        return new Practice
        {
            Id = Guid.CreateVersion7(now),
            Name = name,
            TimeZone = TimeZones.Require(timeZone),
            IsDemo = isDemo,
            CreatedAt = now,
        };
    }
}
