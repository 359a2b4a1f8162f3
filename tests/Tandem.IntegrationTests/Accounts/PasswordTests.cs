using System.Net.Http.Json;
using System.Buffers.Binary;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Features.Accounts;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Accounts;

public sealed class PasswordTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stored_hashes_are_PBKDF2_SHA512_with_at_least_210000_iterations()
    {
        // The production count (the test apps' lower one taken away); the demo passwords were hashed with the tests' count.
        await using var app = await TandemApp.StartAsync(settings: new() { [Tandem.Infrastructure.Security.PasswordHashing.IterationsKey] = null });
        Assert.Equal((uint)TandemApp.TestPasswordIterations, (await StoredHashAsync(app, "alex@riverside.test")).Iterations);

        // Signing in upgrades the weaker hash to the count in force, and the password still works afterwards.
        await app.LoginAsync("alex@riverside.test");
        var (prf, iterations) = await StoredHashAsync(app, "alex@riverside.test");
        Assert.Equal(2u, prf); // KeyDerivationPrf.HMACSHA512
        Assert.Equal(210_000u, iterations);
        await app.LoginAsync("alex@riverside.test");
        Assert.Equal(210_000u, (await StoredHashAsync(app, "alex@riverside.test")).Iterations);
        Figures.Print($"password hashing: PBKDF2-HMAC-SHA512, {iterations:N0} iterations");
    }

    [Fact]
    public async Task A_wrong_password_does_not_upgrade_the_hash()
    {
        await using var app = await TandemApp.StartAsync(settings: new() { [Tandem.Infrastructure.Security.PasswordHashing.IterationsKey] = null });
        using var client = app.CreateAnonymousClient();
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { email = "alex@riverside.test", password = "not-alexs-password-1" }, Ct);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal((uint)TandemApp.TestPasswordIterations, (await StoredHashAsync(app, "alex@riverside.test")).Iterations);
    }

    private static async Task<(uint Prf, uint Iterations)> StoredHashAsync(TandemApp app, string email)
    {
        string? hash = null;
        await app.WithDbAsync(async db => hash = (await db.Users.AsNoTracking().FirstAsync(u => u.Email == email, Ct)).PasswordHash);
        var bytes = Convert.FromBase64String(hash!);
        Assert.Equal(0x01, bytes[0]); // Identity v3 format
        return (BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1)), BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5)));
    }

    [Theory]
    [InlineData("123qweasdzxc")]
    [InlineData("1qaz2wsx3edc")]
    [InlineData("q1w2e3r4t5y6")]
    public async Task Common_passwords_are_refused(string password)
    {
        await using var app = await TandemApp.StartAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<TandemUser>>();
        var tenant = scope.ServiceProvider.GetRequiredService<Tandem.Infrastructure.Tenancy.TenantContext>();
        using var system = tenant.AsSystem();
        var alex = (await users.FindByEmailAsync("alex@riverside.test"))!;

        var result = await users.ChangePasswordAsync(alex, TandemApp.DemoPassword, password);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Code == "CommonPassword");
    }

    [Fact]
    public async Task Changing_the_password_ends_other_sessions()
    {
        await using var app = await TandemApp.StartAsync();
        using var other = await app.ClientForAsync("jordan@riverside.test");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<TandemUser>>();
            var tenant = scope.ServiceProvider.GetRequiredService<Tandem.Infrastructure.Tenancy.TenantContext>();
            using var system = tenant.AsSystem();
            var jordan = (await users.FindByEmailAsync("jordan@riverside.test"))!;
            Assert.True((await users.ChangePasswordAsync(jordan, TandemApp.DemoPassword, "lantern orchard velvet tide")).Succeeded);
        }

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await other.GetAsync("/api/me", Ct)).StatusCode);
        using var fresh = await app.ClientForAsync("jordan@riverside.test", "lantern orchard velvet tide");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await fresh.GetAsync("/api/me", Ct)).StatusCode);
    }
}
