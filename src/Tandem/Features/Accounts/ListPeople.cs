using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Errors;

namespace Tandem.Features.Accounts;

/// <summary>
/// What the admin asks People for, straight from the query string (so a count on the admin home
/// can link to the matching list): free text over name and email, a role, a status and a sort.
/// Empty means "any". Status "invited" is about invitations, not accounts: no accounts match it.
/// </summary>
public sealed record PeopleQuery(string? Search = null, string? Role = null, string? Status = null, string? Sort = null)
{
    public const int SearchMaxLength = 100;

    public static readonly string[] Roles = [nameof(PersonRole.Therapist), nameof(PersonRole.Client), nameof(PersonRole.PracticeAdmin)];

    public static readonly string[] Statuses = ["active", "deactivated", "invited"];

    /// <summary>"name" (A to Z), "role", "created" (newest first), "active" (last seen first).</summary>
    public static readonly string[] Sorts = ["name", "role", "created", "active"];

    public bool WantsAccounts => !string.Equals(Status, "invited", StringComparison.OrdinalIgnoreCase);

    public bool WantsInvitations => string.IsNullOrEmpty(Status) || !WantsAccounts;

    /// <summary>Refuses anything outside the lists with one sentence (a 400), so a typo in a link does not silently show everyone.</summary>
    public PeopleQuery Checked()
    {
        var errors = new Dictionary<string, string[]>();
        if (Search is { Length: > SearchMaxLength })
        {
            errors["search"] = [$"Search with at most {SearchMaxLength} characters."];
        }

        Check("role", Role, Roles, errors);
        Check("status", Status, Statuses, errors);
        Check("sort", Sort, Sorts, errors);
        if (errors.Count > 0)
        {
            throw new DomainException(string.Join(" ", errors.Values.SelectMany(v => v)), DomainError.Invalid, errors);
        }

        return this with
        {
            Search = string.IsNullOrWhiteSpace(Search) ? null : Search.Trim(),
            Role = Pick(Role, Roles),
            Status = Pick(Status, Statuses),
            Sort = Pick(Sort, Sorts) ?? "role",
        };
    }

    private static void Check(string name, string? value, string[] allowed, Dictionary<string, string[]> errors)
    {
        if (!string.IsNullOrWhiteSpace(value) && Pick(value, allowed) is null)
        {
            errors[name] = [$"{name} is one of: {string.Join(", ", allowed)}."];
        }
    }

    private static string? Pick(string? value, string[] allowed) =>
        string.IsNullOrWhiteSpace(value) ? null : allowed.FirstOrDefault(a => string.Equals(a, value.Trim(), StringComparison.OrdinalIgnoreCase));
}

/// <summary>One person as the admin sees them: account facts, when they were last seen signed in; nothing clinical.</summary>
public sealed record PersonListing(Guid Id, string Email, string DisplayName, string? Pronouns, string Role, bool IsActive, DateTimeOffset CreatedAt, DateTimeOffset? LastActiveAt);

/// <summary>The practice's people, searched, filtered and sorted in SQL (the tenant filter keeps it to the admin's practice).</summary>
public sealed class ListPeople(TandemDbContext db)
{
    public const int MaxListed = 500;

    public async Task<IReadOnlyList<PersonListing>> HandleAsync(PeopleQuery? query = null, CancellationToken ct = default)
    {
        var q = (query ?? new PeopleQuery()).Checked();
        if (!q.WantsAccounts)
        {
            return [];
        }

        var users = db.Users.AsNoTracking();
        if (q.Search is { } search)
        {
            // Emails are stored as typed; NormalizedEmail is upper case, so match the search in upper case too.
            var upper = search.ToUpperInvariant();
            var lower = search.ToLowerInvariant();
            // Runs as SQL lower(): the culture rules below do not apply to it.
#pragma warning disable CA1304, CA1311, CA1862
            users = users.Where(u => u.NormalizedEmail!.Contains(upper) || u.DisplayName.ToLower().Contains(lower));
#pragma warning restore CA1304, CA1311, CA1862
        }

        if (q.Role is { } role)
        {
            var wanted = Enum.Parse<PersonRole>(role);
            users = users.Where(u => u.Role == wanted);
        }

        users = q.Status switch
        {
            "active" => users.Where(u => u.IsActive),
            "deactivated" => users.Where(u => !u.IsActive),
            _ => users,
        };

        var sessions = db.Set<SignInSession>();
        var rows = users.Select(u => new
        {
            u.Id,
            Email = u.Email!,
            u.DisplayName,
            u.Pronouns,
            u.Role,
            u.IsActive,
            u.CreatedAt,
            LastActiveAt = sessions.Where(s => s.UserId == u.Id).Max(s => (DateTimeOffset?)s.LastSeenAt),
        });
        rows = q.Sort switch
        {
            "name" => rows.OrderBy(u => u.DisplayName).ThenBy(u => u.Id),
            "created" => rows.OrderByDescending(u => u.CreatedAt).ThenBy(u => u.Id),
            // Never seen last on both databases (PostgreSQL would put nulls first when descending).
            "active" => rows.OrderBy(u => u.LastActiveAt == null).ThenByDescending(u => u.LastActiveAt).ThenBy(u => u.DisplayName),
            _ => rows.OrderBy(u => u.Role).ThenBy(u => u.DisplayName),
        };
        var list = await rows.Take(MaxListed).ToListAsync(ct);
        return list.Select(u => new PersonListing(u.Id, u.Email, u.DisplayName, u.Pronouns, u.Role.ToString(), u.IsActive, u.CreatedAt, u.LastActiveAt)).ToList();
    }
}
