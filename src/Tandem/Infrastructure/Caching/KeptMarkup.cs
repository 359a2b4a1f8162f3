using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Caching.Memory;

namespace Tandem.Infrastructure.Caching;

/// <summary>
/// The markup of a part of a page drawn from one kept view (<see cref="ViewCache"/>), made once for that view and shown
/// again as it was (issue 25: drawing the therapist's Today, 25 engagements and their sessions, was a third of a view's
/// work and most of its memory). The part is drawn by the framework's own HTML renderer, with the same components and
/// the same encoding as the rest of the page; nothing is written by hand.
/// <para>
/// The markup is tied to the view object itself, and to the <c>variant</c> its caller names: it lives as long as the
/// view does, and a view is kept for one person, one practice data version, one time zone, one language and one minute.
/// So a change by anyone (which moves the data version) shows on the next view exactly as without it, and the markup is
/// never another person's. The part's reads were recorded when its view was looked up, before any of it is shown.
/// A part may depend only on its parameters, which must themselves follow from the view and the variant.
/// </para>
/// </summary>
public sealed class KeptMarkup(IServiceProvider services, ILoggerFactory logs, ListMarkupStore lists)
{
    private static readonly ConditionalWeakTable<object, ConcurrentDictionary<(Type Part, string Variant), MarkupString>> Made = new();

    /// <summary>
    /// The markup of component <typeparamref name="TPart"/> with the <paramref name="parameters"/> (asked for only when it
    /// is drawn), drawn from <paramref name="view"/>: kept from an earlier request for the same view and variant, or drawn now.
    /// </summary>
    public async Task<MarkupString> GetAsync<TPart>(object view, string variant, Func<IDictionary<string, object?>> parameters)
        where TPart : IComponent
    {
        // Only a view the cache keeps carries its markup: one made afresh (the cache off for comparison, emergency access,
        // a view that wrote) is drawn afresh too, and any other object is never a key.
        var parts = ViewCache.IsKept(view) ? Made.GetValue(view, static _ => new()) : null;
        var key = (typeof(TPart), variant);
        if (parts is not null && parts.TryGetValue(key, out var kept))
        {
            Observability.TandemMetrics.MarkupLookedUp(typeof(TPart).Name, hit: true);
            return kept;
        }

        var markup = await DrawAsync<TPart>(parameters);
        parts?.TryAdd(key, markup);
        Observability.TandemMetrics.MarkupLookedUp(typeof(TPart).Name, hit: false);
        return markup;
    }

    /// <summary>
    /// The markup of component <typeparamref name="TPart"/> drawn from <paramref name="items"/>, a list read afresh at each
    /// view (the access log's page of entries): kept under <paramref name="key"/> (which must name the person, and everything
    /// else the part shows that is not in the items) and shown again only while the items are equal, one by one, to those it
    /// was drawn from. So it can never be older than the list read for this very request, on any node; only the drawing is saved.
    /// </summary>
    public async Task<MarkupString> ForListAsync<TPart, TItem>(object key, IReadOnlyList<TItem> items, Func<IDictionary<string, object?>> parameters)
        where TPart : IComponent
    {
        if (lists.TryGet(key, items, out var kept))
        {
            Observability.TandemMetrics.MarkupLookedUp(typeof(TPart).Name, hit: true);
            return kept;
        }

        var markup = await DrawAsync<TPart>(parameters);
        lists.Set(key, items, markup);
        Observability.TandemMetrics.MarkupLookedUp(typeof(TPart).Name, hit: false);
        return markup;
    }

    private async Task<MarkupString> DrawAsync<TPart>(Func<IDictionary<string, object?>> parameters)
        where TPart : IComponent
    {
        await using var renderer = new HtmlRenderer(services, logs);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<TPart>(ParameterView.FromDictionary(parameters()))).ToHtmlString());
        return new MarkupString(html);
    }
}

/// <summary>
/// The markup kept by <see cref="KeptMarkup.ForListAsync"/>: at most <see cref="MaxCharacters"/> characters in all (16 MB),
/// each part for ten minutes after it was last shown. Off with <c>Tandem:ViewCache=false</c> (every part drawn afresh, for comparison).
/// </summary>
public sealed class ListMarkupStore(bool enabled) : IDisposable
{
    public const long MaxCharacters = 8_000_000;

    /// <summary>What a part counts for beyond its markup (its key and the list it was drawn from), so even empty parts are bounded in number.</summary>
    private const int PartOverhead = 4096;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxCharacters });

    internal bool TryGet<TItem>(object key, IReadOnlyList<TItem> items, out MarkupString markup)
    {
        if (enabled && _cache.TryGetValue(key, out Kept<TItem>? kept) && kept is not null && kept.Items.SequenceEqual(items))
        {
            markup = kept.Markup;
            return true;
        }

        markup = default;
        return false;
    }

    internal void Set<TItem>(object key, IReadOnlyList<TItem> items, MarkupString markup)
    {
        if (enabled)
        {
            _cache.Set(key, new Kept<TItem>([.. items], markup),
                new MemoryCacheEntryOptions { Size = markup.Value.Length + PartOverhead, SlidingExpiration = TimeSpan.FromMinutes(10) });
        }
    }

    public void Dispose() => _cache.Dispose();

    private sealed record Kept<TItem>(IReadOnlyList<TItem> Items, MarkupString Markup);
}
