using Microsoft.AspNetCore.Identity;
using Tandem.Infrastructure.Hosting;

namespace Tandem.Infrastructure.Security;

/// <summary>
/// How passwords are hashed: PBKDF2-HMAC-SHA512 (Identity v3 format) at the OWASP 2023 iteration count, or more
/// (<c>Security:PasswordHashIterations</c>). A hash made with fewer iterations than the app now uses is upgraded at
/// the person's next sign-in (<see cref="Features.Accounts.PasswordSignIn"/>). Fewer than the OWASP count is refused at
/// start, except in the test environment, where thousands of sign-ins would otherwise spend most of the suite's time hashing.
/// </summary>
public static class PasswordHashing
{
    public const string IterationsKey = "Security:PasswordHashIterations";

    /// <summary>OWASP Password Storage Cheat Sheet (2023), PBKDF2-HMAC-SHA512.</summary>
    public const int OwaspIterations = 210_000;

    /// <summary>The environment of the test suites (TandemApp), the only one that may hash with fewer iterations.</summary>
    public const string TestEnvironment = "Test";

    public static int Iterations(IConfiguration config, IHostEnvironment env)
    {
        var text = config[IterationsKey];
        if (string.IsNullOrWhiteSpace(text))
        {
            return OwaspIterations;
        }

        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
        {
            throw new SettingException($"{IterationsKey} is a whole number of iterations, at least {OwaspIterations:N0}; \"{text}\" is not.");
        }

        if (iterations < OwaspIterations && !env.IsEnvironment(TestEnvironment))
        {
            throw new SettingException($"{IterationsKey} is {iterations:N0}, below the {OwaspIterations:N0} iterations OWASP gives for PBKDF2-HMAC-SHA512. Leave it out, or set {OwaspIterations:N0} or more.");
        }

        return iterations;
    }

    public static IServiceCollection AddTandemPasswordHashing(this IServiceCollection services, IConfiguration config, IHostEnvironment env)
    {
        var iterations = Iterations(config, env);
        return services.Configure<PasswordHasherOptions>(o =>
        {
            o.CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3;
            o.IterationCount = iterations;
        });
    }
}
