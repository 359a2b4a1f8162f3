using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Accounts;

public enum SignInSessionKind
{
    /// <summary>A browser with the sign-in cookie.</summary>
    Browser,

    /// <summary>An API client with a bearer token and its refresh-token family.</summary>
    Api,
}

/// <summary>Why a session ended, in the words the sessions page shows.</summary>
public static class SessionEndReasons
{
    public const string SignedOut = "signed-out";
    public const string EndedByPerson = "ended-by-person";
    public const string PasswordChanged = "password-changed";
    public const string Deactivated = "deactivated";
    public const string SecurityChange = "security-change";
    public const string RefreshTokenReused = "refresh-token-reused";
}

/// <summary>
/// One sign-in, kept on the server so it can be listed and ended by id (issue 19, finding 5). The
/// cookie or token carries only its id; every request checks that the session is still open. For
/// API clients it is also the refresh-token family: <see cref="RefreshGeneration"/> counts the
/// refresh tokens issued, and only the newest one works.
/// </summary>
public sealed class SignInSession : IPracticeScoped
{
    public const int DeviceMaxLength = 100;
    public const int AddressMaxLength = 45;
    public const int ReasonMaxLength = 40;

    private SignInSession()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid UserId { get; private set; }

    public SignInSessionKind Kind { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Updated at most once a minute while the session is used.</summary>
    public DateTimeOffset LastSeenAt { get; private set; }

    /// <summary>A short summary of the user agent ("Firefox on Windows"), never the whole string.</summary>
    public string Device { get; private set; } = "";

    /// <summary>The client address it signed in from.</summary>
    public string? SourceAddress { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    public string? EndReason { get; private set; }

    public int RefreshGeneration { get; private set; }

    public bool IsOpen => EndedAt is null;

    public static SignInSession Start(Guid practiceId, Guid userId, SignInSessionKind kind, string device, string? sourceAddress, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PracticeId = practiceId,
        UserId = userId,
        Kind = kind,
        CreatedAt = now,
        LastSeenAt = now,
        Device = Truncate(device, DeviceMaxLength) is { Length: > 0 } d ? d : "Unknown device",
        SourceAddress = sourceAddress is null ? null : Truncate(sourceAddress, AddressMaxLength),
    };

    /// <summary>Ends the session for good; ending it again keeps the first time and reason.</summary>
    public void End(string reason, DateTimeOffset now)
    {
        if (EndedAt is not null)
        {
            return;
        }

        EndedAt = now;
        EndReason = Truncate(reason, ReasonMaxLength);
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}

internal sealed class SignInSessionConfiguration : IEntityTypeConfiguration<SignInSession>
{
    public void Configure(EntityTypeBuilder<SignInSession> builder)
    {
        builder.ToTable("SignInSessions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Kind).HasConversion<string>().HasMaxLength(10);
        builder.Property(s => s.Device).HasMaxLength(SignInSession.DeviceMaxLength);
        builder.Property(s => s.SourceAddress).HasMaxLength(SignInSession.AddressMaxLength);
        builder.Property(s => s.EndReason).HasMaxLength(SignInSession.ReasonMaxLength);
        builder.Ignore(s => s.IsOpen);
        builder.HasOne<TandemUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => new { s.UserId, s.EndedAt });
    }
}
