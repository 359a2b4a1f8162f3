using Microsoft.AspNetCore.Identity;
using Tandem.Infrastructure.Errors;

namespace Tandem.Features.Accounts;

public sealed record UpdateProfileCommand(string DisplayName, string? Pronouns, string TimeZone);

/// <summary>A person changes how they are named and which time zone they see times in.</summary>
public sealed class UpdateProfile(UserManager<TandemUser> users)
{
    public async Task<TandemUser> HandleAsync(Guid userId, UpdateProfileCommand command, CancellationToken ct = default)
    {
        var user = await users.FindByIdAsync(userId.ToString()) ?? throw DomainException.NotFound();
        user.UpdateProfile(command.DisplayName, command.Pronouns, command.TimeZone);
        var result = await users.UpdateAsync(user);
        if (!result.Succeeded)
        {
            throw new DomainException("Your profile could not be saved. Try again.", DomainError.Conflict);
        }

        return user;
    }
}
