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
        await using var app = await TandemApp.StartAsync();
        string? hash = null;
        await app.WithDbAsync(async db => hash = (await db.Users.FirstAsync(u => u.Email == "alex@riverside.test", Ct)).PasswordHash);

        var bytes = Convert.FromBase64String(hash!);
        Assert.Equal(0x01, bytes[0]); // Identity v3 format
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1))); // KeyDerivationPrf.HMACSHA512
        var iterations = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5));
        Assert.True(iterations >= 210_000);
        Figures.Print($"password hashing: PBKDF2-HMAC-SHA512, {iterations:N0} iterations");
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
