using Tandem.Features.Accounts;

namespace Tandem.Infrastructure.Security;

/// <summary>
/// Every endpoint and page names one of these (or allows anonymous access explicitly).
/// Role policies only open the door: access to a record is then decided by engagement
/// participation, in one place.
/// </summary>
public static class Policies
{
    public const string SignedIn = nameof(SignedIn);
    public const string Therapist = nameof(Therapist);
    public const string Client = nameof(Client);
    public const string PracticeAdmin = nameof(PracticeAdmin);
    public const string Clinician = nameof(Clinician);
    /// <summary>The people who run the practice's work: therapists and the practice admin (the practice's instruments, the outcome report).</summary>
    public const string PracticeStaff = nameof(PracticeStaff);

    public static IServiceCollection AddTandemPolicies(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(SignedIn, p => p.RequireAuthenticatedUser())
            .AddPolicy(Therapist, p => p.RequireAuthenticatedUser().RequireRole(Roles.Therapist))
            .AddPolicy(Client, p => p.RequireAuthenticatedUser().RequireRole(Roles.Client))
            .AddPolicy(PracticeAdmin, p => p.RequireAuthenticatedUser().RequireRole(Roles.PracticeAdmin))
            .AddPolicy(Clinician, p => p.RequireAuthenticatedUser().RequireRole(Roles.Therapist, Roles.Client))
            .AddPolicy(PracticeStaff, p => p.RequireAuthenticatedUser().RequireRole(Roles.PracticeAdmin, Roles.Therapist));
        return services;
    }
}
