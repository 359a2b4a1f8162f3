using Microsoft.Extensions.Caching.Memory;

namespace Tandem.Features.Audit;

/// <summary>
/// The access log's pages kept in this node's memory between one person's views (issue 25): at most <see cref="MaxPages"/>,
/// each for a minute at most. A kept page is shown only after a look at the database says nothing it shows has changed
/// (<see cref="AccessLog"/>: the practice's data version, and no new entry of the engagement from anyone but the viewer),
/// so a read by anyone, on any node, is on the very next view. Off with <c>Tandem:ViewCache=false</c>, as every kept view.
/// </summary>
public sealed class KeptAccessLogPages(bool enabled) : IDisposable
{
    public const int MaxPages = 1024;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxPages });

    public static KeptAccessLogPages From(IConfiguration config) => new(Infrastructure.Hosting.Setting.Get(config, "Tandem:ViewCache", true));

    public bool Enabled { get; } = enabled;

    /// <summary>Everything a kept page was made for: one person (in one role), one filter, one first hour of the week, one time zone and language (its data version is in the page).</summary>
    internal readonly record struct Key(Guid PracticeId, Guid EngagementId, Guid Viewer, string Role, Guid? Who, string? Kind, int Take, long FirstHour, string TimeZone, string Culture);

    /// <summary>A kept page, the practice's data version it was made under, and where the trail stood when it was made (or last found unchanged).</summary>
    /// <param name="Parts">The page's parts (private to <see cref="AccessLog"/>).</param>
    /// <param name="Until">A minute after it was made: its marks move along with later looks, its life does not.</param>
    internal sealed record Page(object Parts, Guid Token, long Entries, long Lists, DateTimeOffset Until);

    internal bool TryGet(Key key, out Page page) => _cache.TryGetValue(key, out page!);

    internal void Set(Key key, Page page) =>
        _cache.Set(key, page, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = page.Until });

    public void Dispose() => _cache.Dispose();
}
