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

/// <summary>The choices the directory's filters offer: the listings' practices and languages.</summary>
public sealed record DirectoryOptions(IReadOnlyList<string> Practices, IReadOnlyList<string> Languages);

/// <summary>The public directory: therapists who list themselves, across every practice of the installation.</summary>
public sealed class DirectoryQueries(TandemDbContext db)
{
    public const int MaxEntries = 1000;

    /// <summary>
    /// Listed, active therapists narrowed by the filter (all of it runs in the database, on both providers), practice
    /// then name order. A filter outside its lists is a 422 in words (<see cref="DirectoryFilter.Checked"/>).
    /// </summary>
    public async Task<IReadOnlyList<DirectoryEntry>> ListAsync(DirectoryFilter? filter = null, CancellationToken ct = default) =>
        await QueryAsync(null, (filter ?? new DirectoryFilter()).Checked(), ct);

    /// <summary>What the filters can offer: the practices and the languages of the listings, each once, in order.</summary>
    public async Task<DirectoryOptions> OptionsAsync(CancellationToken ct = default)
    {
        using var system = db.Tenant.AsSystem();
        var rows = await (from p in Listed()
                          join practice in db.Practices on p.PracticeId equals practice.Id
                          select new { practice.Name, p.Languages }).Take(MaxEntries).ToListAsync(ct);
        return new DirectoryOptions(
            rows.Select(r => r.Name).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList(),
            rows.SelectMany(r => r.Languages).GroupBy(l => l, StringComparer.OrdinalIgnoreCase).Select(g => g.First()).Order(StringComparer.OrdinalIgnoreCase).ToList());
    }

    /// <summary>One listed therapist, or null when there is no such listing (never listed, unlisted, deactivated).</summary>
    public async Task<DirectoryEntry?> FindAsync(Guid id, CancellationToken ct = default)
    {
        var found = await QueryAsync(id, new DirectoryFilter(), ct);
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

    /// <summary>Listed profiles of active therapists: the only rows the public side ever reads.</summary>
    private IQueryable<DirectoryProfile> Listed() =>
        from p in db.Set<DirectoryProfile>().AsNoTracking()
        join u in db.Users on p.UserId equals u.Id
        where p.IsListed && u.IsActive && u.Role == PersonRole.Therapist
        select p;

    private async Task<IReadOnlyList<DirectoryEntry>> QueryAsync(Guid? id, DirectoryFilter filter, CancellationToken ct)
    {
        // Public and anonymous: read across practices, but only the listed profiles' public fields.
        using var system = db.Tenant.AsSystem();
        var profiles = Narrowed(db.Set<DirectoryProfile>().AsNoTracking(), filter);
        var query = from p in profiles
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

        // SQL lower() on both providers (SQLite's folds ASCII letters only); the search is a substring, never a LIKE pattern.
#pragma warning disable CA1304, CA1311, CA1862
        if (filter.Practice is { } practiceName)
        {
            var lower = practiceName.ToLowerInvariant();
            query = query.Where(r => r.PracticeName.ToLower() == lower);
        }

        if (filter.Search is { } search)
        {
            var lower = search.ToLowerInvariant();
            query = query.Where(r => r.DisplayName.ToLower().Contains(lower)
                || r.PracticeName.ToLower().Contains(lower)
                || r.Approaches.Any(a => a.ToLower().Contains(lower))
                || r.Languages.Any(l => l.ToLower().Contains(lower)));
        }
#pragma warning restore CA1304, CA1311, CA1862

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

    /// <summary>The plain filters, on the profile's own columns.</summary>
    private static IQueryable<DirectoryProfile> Narrowed(IQueryable<DirectoryProfile> profiles, DirectoryFilter filter)
    {
        profiles = filter.Format switch
        {
            "ClientLed" => profiles.Where(p => p.OffersClientLed),
            "TherapistLed" => profiles.Where(p => p.OffersTherapistLed),
            _ => profiles,
        };
        profiles = filter.Mode switch
        {
            "Online" => profiles.Where(p => p.Online),
            "InPerson" => profiles.Where(p => p.InPerson),
            _ => profiles,
        };
        if (filter.AcceptingOnly)
        {
            profiles = profiles.Where(p => p.AcceptingNewClients);
        }

        if (filter.Language is { } language)
        {
            var lower = language.ToLowerInvariant();
#pragma warning disable CA1304, CA1311, CA1862
            profiles = profiles.Where(p => p.Languages.Any(l => l.ToLower() == lower));
#pragma warning restore CA1304, CA1311, CA1862
        }

        return profiles;
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
