using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Tandem.Infrastructure.Security;

namespace Tandem.UnitTests.Accounts;

public sealed class AccountStatusCacheTests
{
    private static readonly Guid Person = Guid.NewGuid();

    [Fact]
    public async Task A_read_that_overlapped_a_new_security_stamp_is_not_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        var row = new AccountStatus(true, "stamp-before");
        var reads = 0;
        AccountStatusCache? cache = null;
        cache = new AccountStatusCache(async (id, _) =>
        {
            reads++;
            var seen = row;
            if (reads == 1)
            {
                // While this read is under way, the person's new stamp is committed and the cache told.
                row = new AccountStatus(true, "stamp-after");
                cache!.Invalidate(id);
            }

            await Task.Yield();
            return seen;
        }, new MemoryCache(new MemoryCacheOptions()), Options.Create(new SecurityOptions()));

        Assert.Equal("stamp-before", (await cache.GetAsync(Person, ct))!.SecurityStamp);
        // The refreshed session carries the new stamp: the next request must see it, not the overlapping read.
        Assert.Equal("stamp-after", (await cache.GetAsync(Person, ct))!.SecurityStamp);
        Assert.Equal("stamp-after", (await cache.GetAsync(Person, ct))!.SecurityStamp);
        Assert.Equal(2, reads);
    }

    [Fact]
    public async Task A_status_is_read_once_until_the_account_changes()
    {
        var ct = TestContext.Current.CancellationToken;
        var reads = 0;
        var cache = new AccountStatusCache((_, _) =>
        {
            reads++;
            return Task.FromResult<AccountStatus?>(new AccountStatus(reads == 1, $"stamp-{reads}"));
        }, new MemoryCache(new MemoryCacheOptions()), Options.Create(new SecurityOptions()));

        Assert.True((await cache.GetAsync(Person, ct))!.IsActive);
        Assert.True((await cache.GetAsync(Person, ct))!.IsActive);
        Assert.Equal(1, reads);

        cache.Invalidate(Person);
        var after = await cache.GetAsync(Person, ct);
        Assert.False(after!.IsActive);
        Assert.Equal("stamp-2", after.SecurityStamp);
    }
}
