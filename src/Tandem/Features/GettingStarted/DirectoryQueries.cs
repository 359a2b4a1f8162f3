using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Accounts;

namespace Tandem.Features.GettingStarted;

/// <summary>
/// One listed therapist as the public sees them. These are the only fields that ever leave
/// the directory: no email, no user id, nothing about clients.
/// </summary>
public sealed record DirectoryEntry(
    Guid Id,
    string DisplayName,
    string? Pronouns,
    string ProfileText,
    IReadOnlyList<string> Approaches,
    IReadOnlyList<string> Formats,
    IReadOnlyList<string> Languages,
    IReadOnlyList<string> Modes,
    bool AcceptingNewClients,
    string PracticeName);

/// <summary>The public directory: therapists who list themselves, across every practice of the installation.</summary>
public sealed class DirectoryQueries(TandemDbContext db)
{
    public const int MaxEntries = 1000;

    /// <summary>Listed, active therapists; optionally of one practice (by its name), practice then name order.</summary>
    public async Task<IReadOnlyList<DirectoryEntry>> ListAsync(string? practice = null, CancellationToken ct = default)
    {
        var entries = await QueryAsync(null, ct);
        return string.IsNullOrWhiteSpace(practice)
            ? entries
            : entries.Where(e => string.Equals(e.PracticeName, practice.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
    }

    /// <summary>One listed therapist, or null when there is no such listing (never listed, unlisted, deactivated).</summary>
    public async Task<DirectoryEntry?> FindAsync(Guid id, CancellationToken ct = default)
    {
        var found = await QueryAsync(id, ct);
        return found.Count > 0 ? found[0] : null;
    }

    /// <summary>The practice and user behind a listing, for storing a request; null when not listed.</summary>
    internal async Task<(Guid PracticeId, Guid UserId, string Email, bool Accepting)?> ListingOwnerAsync(Guid id, CancellationToken ct)
    {
        using var system = db.Tenant.AsSystem();
        var row = await (from p in db.Set<DirectoryProfile>().AsNoTracking()
                         join u in db.Users on p.UserId equals u.Id
                         where p.Id == id && p.IsListed && u.IsActive && u.Role == PersonRole.Therapist
                         select new { p.PracticeId, p.UserId, u.Email, p.AcceptingNewClients }).FirstOrDefaultAsync(ct);
        return row is null ? null : (row.PracticeId, row.UserId, row.Email ?? "", row.AcceptingNewClients);
    }

    private async Task<IReadOnlyList<DirectoryEntry>> QueryAsync(Guid? id, CancellationToken ct)
    {
        // Public and anonymous: read across practices, but only the listed profiles' public fields.
        using var system = db.Tenant.AsSystem();
        var query = from p in db.Set<DirectoryProfile>().AsNoTracking()
                    join u in db.Users on p.UserId equals u.Id
                    join practice in db.Practices on p.PracticeId equals practice.Id
                    where p.IsListed && u.IsActive && u.Role == PersonRole.Therapist
                    select new
                    {
                        p.Id,
                        u.DisplayName,
                        u.Pronouns,
                        p.ProfileText,
                        p.Approaches,
                        p.Languages,
                        p.OffersClientLed,
                        p.OffersTherapistLed,
                        p.Online,
                        p.InPerson,
                        p.AcceptingNewClients,
                        PracticeName = practice.Name,
                    };
        if (id is { } one)
        {
            query = query.Where(r => r.Id == one);
        }

        var rows = await query.OrderBy(r => r.PracticeName).ThenBy(r => r.DisplayName).Take(MaxEntries).ToListAsync(ct);
        return rows.Select(r => new DirectoryEntry(
            r.Id,
            r.DisplayName,
            r.Pronouns,
            r.ProfileText,
            r.Approaches,
            [.. Formats(r.OffersClientLed, r.OffersTherapistLed)],
            r.Languages,
            [.. Modes(r.Online, r.InPerson)],
            r.AcceptingNewClients,
            r.PracticeName)).ToList();
    }

    private static IEnumerable<string> Formats(bool clientLed, bool therapistLed)
    {
        if (clientLed)
        {
            yield return "ClientLed";
        }

        if (therapistLed)
        {
            yield return "TherapistLed";
        }
    }

    private static IEnumerable<string> Modes(bool online, bool inPerson)
    {
        if (online)
        {
            yield return "Online";
        }

        if (inPerson)
        {
            yield return "InPerson";
        }
    }
}
