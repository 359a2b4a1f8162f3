using System.Security.Claims;
using Tandem.Features.Accounts;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Infrastructure.Security;

/// <summary>The signed-in person, read from their claims (pages, API and live circuits alike).</summary>
public sealed class CurrentUser(TenantContext tenant)
{
    private ClaimsPrincipal Principal => tenant.User ?? new ClaimsPrincipal();

    public TenantContext Tenant => tenant;

    public bool IsSignedIn => Principal.Identity?.IsAuthenticated == true && Guid.TryParse(Principal.FindFirstValue(ClaimTypes.NameIdentifier), out _);

    public Guid Id => Guid.TryParse(Principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
        ? id
        : throw new DomainException("Sign in first.", DomainError.NotFound);

    public PersonRole Role => Enum.TryParse<PersonRole>(Principal.FindFirstValue(ClaimTypes.Role), out var role) ? role : PersonRole.Client;

    public Guid PracticeId => tenant.PracticeId ?? throw new DomainException("Sign in first.", DomainError.NotFound);

    public string DisplayName => Principal.FindFirstValue(TandemClaims.DisplayName) ?? "";

    public string TimeZone => Principal.FindFirstValue(TandemClaims.TimeZone) ?? "UTC";

    public bool IsTherapist => Role == PersonRole.Therapist;

    public bool IsClient => Role == PersonRole.Client;

    public bool IsAdmin => Role == PersonRole.PracticeAdmin;

    /// <summary>A time in the viewer's own zone.</summary>
    public DateTimeOffset Local(DateTimeOffset utc) => Features.Practices.TimeZones.ToLocal(utc, TimeZone);
}
