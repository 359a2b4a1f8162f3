using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Input;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.GettingStarted;

/// <summary>
/// What a therapist chooses to say about themselves in the public directory. Nothing here is
/// clinical, and nothing is public until the therapist lists themselves. The public id is a
/// random guid of its own, so the directory never reveals a user id or an email address.
/// </summary>
public sealed class DirectoryProfile : IPracticeScoped
{
    public const int ProfileTextMaxLength = 1000;
    public const int TagMaxLength = 60;
    public const int MaxTags = 10;

    private DirectoryProfile()
    {
    }

    /// <summary>The public id (random, unrelated to the user id).</summary>
    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid UserId { get; private set; }

    public bool IsListed { get; private set; }

    [MultiLine]
    public string ProfileText { get; private set; } = "";

    public List<string> Approaches { get; private set; } = [];

    public List<string> Languages { get; private set; } = [];

    public bool OffersClientLed { get; private set; }

    public bool OffersTherapistLed { get; private set; }

    public bool Online { get; private set; }

    public bool InPerson { get; private set; }

    public bool AcceptingNewClients { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public static DirectoryProfile CreateFor(Guid practiceId, Guid userId, DateTimeOffset now) => new()
    {
        Id = Guid.NewGuid(),
        PracticeId = practiceId,
        UserId = userId,
        UpdatedAt = now,
    };

    /// <summary>Checks every field at once and names each that needs attention; changes nothing unless all are valid.</summary>
    public void Update(DirectoryProfileChange change, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(change);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var text = (change.ProfileText ?? "").Trim().ReplaceLineEndings("\n");
        if (text.Length > ProfileTextMaxLength)
        {
            errors["profileText"] = [$"At most {ProfileTextMaxLength:N0} characters (now {text.Length:N0})."];
        }

        var approaches = Tags(change.Approaches, "approaches", "approach", errors);
        var languages = Tags(change.Languages, "languages", "language", errors);
        if (change.IsListed)
        {
            if (text.Length == 0)
            {
                errors.TryAdd("profileText", ["Write a few sentences about how you work before you list yourself."]);
            }

            if (!change.OffersClientLed && !change.OffersTherapistLed)
            {
                errors["formats"] = ["Choose at least one format you offer."];
            }

            if (!change.Online && !change.InPerson)
            {
                errors["modes"] = ["Choose online, in person, or both."];
            }
        }

        if (errors.Count > 0)
        {
            throw new DomainException("Some fields need attention.", DomainError.Invalid, errors);
        }

        IsListed = change.IsListed;
        ProfileText = text;
        Approaches = approaches;
        Languages = languages;
        OffersClientLed = change.OffersClientLed;
        OffersTherapistLed = change.OffersTherapistLed;
        Online = change.Online;
        InPerson = change.InPerson;
        AcceptingNewClients = change.AcceptingNewClients;
        UpdatedAt = now;
    }

    /// <summary>Short labels, trimmed, without duplicates; letters, digits and ordinary punctuation only.</summary>
    private static List<string> Tags(IEnumerable<string>? values, string field, string singular, Dictionary<string, string[]> errors)
    {
        var tags = (values ?? []).Select(v => (v ?? "").Trim()).Where(v => v.Length > 0)
            .DistinctBy(v => v.ToUpperInvariant()).ToList();
        if (tags.Count > MaxTags)
        {
            errors[field] = [$"At most {MaxTags} {field}."];
        }
        else if (tags.FirstOrDefault(t => t.Length > TagMaxLength) is { } tooLong)
        {
            errors[field] = [$"Each {singular} is at most {TagMaxLength} characters (\"{tooLong[..20]}…\" is longer)."];
        }
        else if (tags.Any(t => t.Any(c => char.IsControl(c) || c is '<' or '>' or ',')))
        {
            errors[field] = [$"Use words only: no line breaks or angle brackets; separate {field} with commas."];
        }

        return tags;
    }
}

public sealed record DirectoryProfileChange(
    bool IsListed,
    string? ProfileText,
    IReadOnlyList<string>? Approaches,
    IReadOnlyList<string>? Languages,
    bool OffersClientLed,
    bool OffersTherapistLed,
    bool Online,
    bool InPerson,
    bool AcceptingNewClients);

internal sealed class DirectoryProfileConfiguration : IEntityTypeConfiguration<DirectoryProfile>
{
    public void Configure(EntityTypeBuilder<DirectoryProfile> builder)
    {
        builder.ToTable("DirectoryProfiles");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.ProfileText).HasMaxLength(DirectoryProfile.ProfileTextMaxLength);
        builder.PrimitiveCollection(p => p.Approaches);
        builder.PrimitiveCollection(p => p.Languages);
        builder.HasOne<TandemUser>().WithOne().HasForeignKey<DirectoryProfile>(p => p.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => p.UserId).IsUnique();
        builder.HasIndex(p => new { p.IsListed, p.PracticeId });
    }
}
