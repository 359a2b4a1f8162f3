using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Engagements;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Invitations;

/// <summary>
/// An invitation to join an engagement (as a client) or, without an engagement, the practice (a
/// therapist invited by the admin: only the admin adds staff). Single use, bound to one email address, valid
/// for 7 days; only a SHA-256 of the token is stored.
/// </summary>
public sealed class Invitation : IPracticeScoped
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    private Invitation()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid? EngagementId { get; private set; }

    public string Email { get; private set; } = "";

    public ParticipantRole Role { get; private set; }

    public string TokenHash { get; private set; } = "";

    public Guid InvitedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public DateTimeOffset? AcceptedAt { get; private set; }

    public Guid? AcceptedUserId { get; private set; }

    /// <summary>When the practice withdrew it (issue 21): the link then says so and works no more.</summary>
    public DateTimeOffset? CancelledAt { get; private set; }

    public bool IsPending => AcceptedAt is null && CancelledAt is null;

    public static (Invitation Invitation, string Token) Create(Guid practiceId, Guid? engagementId, string email, ParticipantRole role, Guid invitedBy, DateTimeOffset now)
    {
        email = NormaliseEmail(email);
        var token = NewToken();
        return (new Invitation
        {
            Id = Guid.CreateVersion7(now),
            PracticeId = practiceId,
            EngagementId = engagementId,
            Email = email,
            Role = role,
            TokenHash = HashToken(token),
            InvitedBy = invitedBy,
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
        }, token);
    }

    public static string NormaliseEmail(string? email)
    {
        email = (email ?? "").Trim();
        var at = email.IndexOf('@', StringComparison.Ordinal);
        if (email.Length is < 3 or > 254 || at <= 0 || at != email.LastIndexOf('@') || at == email.Length - 1 || email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '\uFFFF')
            || !Infrastructure.Input.UnicodeText.HasNormalForm(email))
        {
            throw new DomainException("Enter a valid email address.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["email"] = ["Enter a valid email address."] });
        }

        return email.ToLowerInvariant();
    }

    public static string HashToken(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token ?? "")));

    /// <summary>Why this invitation cannot be used now, in words for the person holding the link; null when it can.</summary>
    public string? Problem(DateTimeOffset now) =>
        AcceptedAt is not null ? "This invitation has already been used. If that was you, sign in instead."
        : CancelledAt is not null ? "This invitation was withdrawn by the practice. Ask whoever invited you to get in touch."
        // An engagement's invitation for staff (made before only the practice admin could add staff) must never make a therapist account.
        : EngagementId is not null && Role != ParticipantRole.Client ? "This invitation can no longer be used. Ask whoever invited you to get in touch."
        : now >= ExpiresAt ? "This invitation has expired. Ask whoever invited you to send a new one."
        : null;

    /// <summary>
    /// A fresh link for the same invitation (resent by the practice): the old token stops working at
    /// once because only the new one's hash is kept, and the 7 days start again.
    /// </summary>
    public string Renew(DateTimeOffset now)
    {
        EnsurePending();
        var token = NewToken();
        TokenHash = HashToken(token);
        ExpiresAt = now + Lifetime;
        return token;
    }

    public void Cancel(DateTimeOffset now)
    {
        EnsurePending();
        CancelledAt = now;
    }

    private void EnsurePending()
    {
        if (!IsPending)
        {
            throw new DomainException(AcceptedAt is not null ? "This invitation has already been accepted." : "This invitation was already withdrawn.", DomainError.Conflict);
        }
    }

    private static string NewToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Accept(Guid userId, DateTimeOffset now)
    {
        if (Problem(now) is { } problem)
        {
            throw new DomainException(problem, DomainError.Gone);
        }

        AcceptedAt = now;
        AcceptedUserId = userId;
    }
}

internal sealed class InvitationConfiguration : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> builder)
    {
        builder.ToTable("Invitations");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).ValueGeneratedNever();
        builder.Property(i => i.Email).HasMaxLength(254);
        builder.Property(i => i.Role).HasConversion<string>().HasMaxLength(20);
        builder.Property(i => i.TokenHash).HasMaxLength(64);
        builder.HasIndex(i => i.TokenHash).IsUnique();
        builder.HasIndex(i => new { i.PracticeId, i.EngagementId });
        builder.HasOne<Engagement>().WithMany().HasForeignKey(i => i.EngagementId).OnDelete(DeleteBehavior.Restrict);
    }
}
