using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Features.Accounts;

/// <summary>
/// The names pages show beside what people wrote or did. One lookup for every feature: it reads only the id and the name
/// (a whole account row carries the password hash and the security stamp, which a list of names has no use for), and
/// it asks the database nothing when there is nobody to name (an empty list still cost a query and its round trip).
/// </summary>
public static class DisplayNames
{
    public static async Task<Dictionary<Guid, string>> DisplayNamesAsync(this TandemDbContext db, IEnumerable<Guid> ids, CancellationToken ct = default)
    {
        var wanted = ids.Distinct().ToList();
        if (wanted.Count == 0)
        {
            return [];
        }

        return await db.Users.AsNoTracking().Where(u => wanted.Contains(u.Id))
            .Select(u => new { u.Id, u.DisplayName })
            .ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
    }
}
