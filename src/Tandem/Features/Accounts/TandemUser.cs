using Microsoft.AspNetCore.Identity;
using Tandem.Features.Practices;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Accounts;

/// <summary>A person who signs in to Tandem. Belongs to one practice, with one role there.</summary>
public sealed class TandemUser : IdentityUser<Guid>, IPracticeScoped
{
    public const int DisplayNameMaxLength = 80;
    public const int PronounsMaxLength = 40;

    // Identity and EF need a public parameterless constructor.
    public TandemUser()
    {
    }

    public Guid PracticeId { get; private set; }

    [PersonalData]
    public string DisplayName { get; private set; } = "";

    [PersonalData]
    public string? Pronouns { get; private set; }

    public string TimeZone { get; private set; } = "UTC";

    public PersonRole Role { get; private set; }

    public bool IsActive { get; private set; } = true;

    public DateTimeOffset? DeactivatedAt { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public static TandemUser Create(Guid practiceId, string email, string displayName, PersonRole role, string timeZone, DateTimeOffset now)
    {
        email = (email ?? "").Trim();
        if (email.Length is 0 or > 254 || !email.Contains('@', StringComparison.Ordinal))
        {
            throw new DomainException("Enter a valid email address.");
        }

        var user = new TandemUser
        {
            Id = Guid.CreateVersion7(now),
            PracticeId = practiceId,
            Email = email,
            UserName = email,
            Role = role,
            CreatedAt = now,
            EmailConfirmed = true,
            LockoutEnabled = true,
        };
        user.UpdateProfile(displayName, null, timeZone);
        return user;
    }

    public void UpdateProfile(string displayName, string? pronouns, string timeZone)
    {
        displayName = (displayName ?? "").Trim();
        if (displayName.Length is 0 or > DisplayNameMaxLength)
        {
            throw new DomainException($"Your name is 1 to {DisplayNameMaxLength} characters.",
                DomainError.Invalid, new Dictionary<string, string[]> { ["displayName"] = [$"1 to {DisplayNameMaxLength} characters."] });
        }

        pronouns = string.IsNullOrWhiteSpace(pronouns) ? null : pronouns.Trim();
        if (pronouns is { Length: > PronounsMaxLength })
        {
            throw new DomainException($"Pronouns are at most {PronounsMaxLength} characters.");
        }

        DisplayName = displayName;
        Pronouns = pronouns;
        TimeZone = TimeZones.Require(timeZone);
    }

    /// <summary>Stops the account at once: the caller must also renew the security stamp so every cookie and token dies.</summary>
    public void Deactivate(Guid byUserId, DateTimeOffset now)
    {
        if (byUserId == Id)
        {
            throw new DomainException("You cannot deactivate your own account.", DomainError.Conflict);
        }

        if (!IsActive)
        {
            return;
        }

        IsActive = false;
        DeactivatedAt = now;
    }

    public void Reactivate()
    {
        IsActive = true;
        DeactivatedAt = null;
    }
}
