using System.Diagnostics;
using System.Text.RegularExpressions;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Tandem.Infrastructure.Hosting;

namespace Tandem.Infrastructure.Observability;

/// <summary>
/// OpenTelemetry traces and metrics over OTLP, only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the
/// standard OTEL_* variables choose the protocol, headers and intervals). Without it nothing is
/// registered: no listener, no exporter, no cost. What leaves the process never holds a token, an
/// email address, a query string or anything a person wrote: see <see cref="PrivacyProcessor"/>.
/// </summary>
public static class Telemetry
{
    public const string EndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static bool IsEnabled(IConfiguration config) => !string.IsNullOrWhiteSpace(config[EndpointSetting]);

    public static IServiceCollection AddTandemTelemetry(this IServiceCollection services, IConfiguration config)
    {
        if (!IsEnabled(config))
        {
            return services;
        }

        services.AddSingleton<OutboxDepthGauge>();
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(config["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : "tandem",
                serviceVersion: typeof(Telemetry).Assembly.GetName().Version?.ToString()))
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation(o =>
                {
                    o.RecordException = false;
                    // Health probes every few seconds are noise, not traffic.
                    o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);
                })
                .AddHttpClientInstrumentation(o => o.RecordException = false)
                // On PostgreSQL Npgsql's own spans describe each command (one span per command, not two).
                .AddEntityFrameworkCoreInstrumentation(o =>
                {
                    // Parameter values are never recorded (the library's default, and not public to change in this version);
                    // PrivacyProcessor drops db.query.parameter.* all the same.
                    o.Filter = (provider, _) => provider is null || !provider.StartsWith("Npgsql", StringComparison.Ordinal);
                })
                .AddNpgsql()
                .AddProcessor(new PrivacyProcessor())
                .AddOtlpExporter())
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(TandemMetrics.MeterName)
                .AddInstrumentation(sp => sp.GetRequiredService<OutboxDepthGauge>())
                .AddOtlpExporter());
        return services;
    }
}

/// <summary>
/// The last word on every span before it is exported, whoever tagged it (the framework, an
/// instrumentation library, Tandem): query strings dropped; paths masked as in the log
/// (<see cref="LogRedaction"/>: invitation, calendar-feed and reset tokens); email addresses masked
/// in every text tag, the name and the status; parameter values of database commands dropped.
/// </summary>
internal sealed partial class PrivacyProcessor : BaseProcessor<Activity>
{
    private static readonly HashSet<string> Dropped = new(StringComparer.Ordinal)
    {
        "url.query", "http.url", "http.target", "enduser.id", "enduser.name", "user.email", "user.name", "user.full_name",
    };

    public override void OnEnd(Activity data)
    {
        List<KeyValuePair<string, string?>>? changes = null;
        foreach (var (key, value) in data.TagObjects)
        {
            string? clean;
            if (key == "http.route")
            {
                // A route template ("/api/calendar/{token}.ics") names the parameter, never its value.
                continue;
            }

            if (Dropped.Contains(key) || key.StartsWith("db.query.parameter.", StringComparison.Ordinal))
            {
                clean = null;
            }
            else if (value is string text)
            {
                clean = Clean(text);
                if (ReferenceEquals(clean, text))
                {
                    continue;
                }
            }
            else
            {
                continue;
            }

            (changes ??= []).Add(new(key, clean));
        }

        foreach (var (key, value) in changes ?? [])
        {
            data.SetTag(key, value);
        }

        var name = data.GetTagItem("http.route") is string route && route.Length > 0 && data.DisplayName.EndsWith(" " + route, StringComparison.Ordinal)
            ? data.DisplayName
            : Clean(data.DisplayName);
        if (!ReferenceEquals(name, data.DisplayName))
        {
            data.DisplayName = name;
        }

        if (data.StatusDescription is { } status && !ReferenceEquals(Clean(status), status))
        {
            data.SetStatus(data.Status, Clean(status));
        }
    }

    /// <summary>The text itself when it holds nothing to mask (so callers can compare references).</summary>
    internal static string Clean(string text)
    {
        var result = LogRedaction.Redact(text);
        if (text.Contains('@', StringComparison.Ordinal))
        {
            result = Email().Replace(result, LogRedaction.Mask);
        }

        return result == text ? text : result;
    }

    [GeneratedRegex(@"[^\s@""'<>(),;:/=?&]+@[^\s@""'<>(),;:/=?&]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex Email();
}
