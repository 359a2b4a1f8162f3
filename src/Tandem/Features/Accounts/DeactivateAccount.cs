using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Errors;

namespace Tandem.Features.Accounts;

/// <summary>
/// A practice admin stops (or restores) an account in their practice. Renewing the security
/// stamp ends every cookie and token of that person at once on this node, and within the
/// account cache window on any other.
/// </summary>
public sealed class DeactivateAccount(TandemDbContext db, UserManager<TandemUser> users, TimeProvider time)
{
    public async Task HandleAsync(Guid adminId, Guid userId, bool active, CancellationToken ct = default)
    {
        // The tenant filter keeps this inside the admin's practice: anyone else is "not found".
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct) ?? throw DomainException.NotFound();
        if (active)
        {
            user.Reactivate();
        }
        else
        {
            user.Deactivate(adminId, time.GetUtcNow());
        }

        var result = await users.UpdateSecurityStampAsync(user);
        if (!result.Succeeded)
        {
            throw new DomainException("The account could not be changed. Try again.", DomainError.Conflict);
        }
    }
}
