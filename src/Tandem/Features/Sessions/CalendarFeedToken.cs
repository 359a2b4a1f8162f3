using System.Security.Cryptography;
using System.Text;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Sessions;

/// <summary>
/// A calendar app cannot sign in, so a person's subscribable feed is reached through an
/// unguessable token (256 random bits) in its address. Only the SHA-256 of the token is
/// stored; creating a new link revokes the old one. The feed carries no clinical content.
/// </summary>
public sealed class CalendarFeedToken : IPracticeScoped
{
    private CalendarFeedToken()
    {
    }

    public Guid Id { get; private set; }

    public Guid PracticeId { get; private set; }

    public Guid UserId { get; private set; }

    public string TokenHash { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }

    public static (CalendarFeedToken Token, string Secret) Issue(Guid practiceId, Guid userId, DateTimeOffset now)
    {
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (new CalendarFeedToken
        {
            Id = Guid.CreateVersion7(now),
            PracticeId = practiceId,
            UserId = userId,
            TokenHash = Hash(secret),
            CreatedAt = now,
        }, secret);
    }

    public void Revoke(DateTimeOffset now) => RevokedAt ??= now;

    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
