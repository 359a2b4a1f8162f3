using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Components.Authorization;
using Serilog;
using Tandem.Components.Account;
using Tandem.Data;
using Tandem.Features.Demo;
using Tandem.Features.Practices;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Infrastructure.Hosting;

public static class TandemServices
{
    public static WebApplicationBuilder AddTandem(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;

        // Each host keeps its own logger (preserveStaticLogger): Serilog's default routes every host's log through the
        // process-wide static logger, which the last host to start takes over and the first to stop silences.
        services.AddSerilog(preserveStaticLogger: true, configureLogger: (sp, log) =>
        {
            log.ReadFrom.Configuration(config)
                // Sinks registered as services (the tests' log capture) see events after the redaction, like the console.
                .ReadFrom.Services(sp)
                .Enrich.FromLogContext()
                .Enrich.With<LogRedaction>();
            // One JSON object a line for a log collector (Tandem:LogFormat=json, or the framework's own
            // Logging:Console:FormatterName=json); the same redaction applies to both formats.
            if (Observability.LogFormat.IsJson(config))
            {
                log.WriteTo.Console(new Serilog.Formatting.Compact.RenderedCompactJsonFormatter());
            }
            else
            {
                log.WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture, outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
            }
        });

        services.AddSingleton(TimeProvider.System);
        AppOrigin.Validate(config);
        Mail.MailSettings.Validate(config);

        services.AddSingleton<AppOrigin>();
        services.AddTrustedProxies(config);
        if (AppOrigin.PublicHttpsPort(config) is { } httpsPort)
        {
            // Behind a proxy Kestrel listens on plain http and cannot know the port browsers use: the public address says it.
            services.AddHttpsRedirection(o => o.HttpsPort = httpsPort);
        }
        if (AppOrigin.PublicHost(config) is { } publicHost && config["AllowedHosts"] is null or "*")
        {
            // Requests must name Tandem's public host (or a loopback name, for health checks on the machine itself);
            // any other Host is refused with 400 before the app sees it. Defence in depth: nothing is built from Host anyway.
            services.Configure<Microsoft.AspNetCore.HostFiltering.HostFilteringOptions>(o => o.AllowedHosts = [publicHost, "localhost", "127.0.0.1", "[::1]"]);
        }
        services.AddTandemDatabase(config, builder.Environment);
        Observability.TandemHealth.AddTandemHealth(services, config);
        Observability.Telemetry.AddTandemTelemetry(services, config);
        services.AddTandemAuth(config, builder.Environment);

        services.AddRazorComponents().AddInteractiveServerComponents();
        // The one live-update path (issue 27): in-process on one node; Redis carries it between nodes when configured.
        services.AddSingleton<Live.LiveUpdates>();
        services.AddSingleton<Live.ILiveTransport, Live.InProcessLiveTransport>();
        services.AddScoped<Live.PagePresence>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, Live.PresenceCircuitHandler>();
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, RevalidationCircuitHandler>();

        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            // Never leak internals outside Development.
            ctx.ProblemDetails.Extensions.Remove("exception");
            ctx.ProblemDetails.Extensions["traceId"] = ctx.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<DomainExceptionHandler>();
        // Enums in and out by name only; a number or an unknown name is refused, naming the field (issue 19, finding 4).
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new Input.DefinedEnumConverterFactory());
            o.SerializerOptions.Converters.Add(new Input.TextWithoutNulConverter());
        });
        // A body or parameter that cannot be bound reaches DomainExceptionHandler, which answers with a sentence.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddOpenApi(o => o.AddDocumentTransformer((doc, context, _) =>
        {
            // The server address is Tandem's own, not the one the request for the document named.
            doc.Servers = [new Microsoft.OpenApi.OpenApiServer { Url = context.ApplicationServices.GetRequiredService<AppOrigin>().BaseUrl }];
            doc.Info.Title = "Tandem API";
            doc.Info.Description = "The JSON face of Tandem's use cases. Sign in with POST /api/auth/login and send the token as 'Authorization: Bearer ...'.";
            return Task.CompletedTask;
        }));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 2 * 1024 * 1024;
        });

        services.AddOptions<Mail.MailSettings>().BindChecked(config, "Mail")
            .PostConfigure(m =>
            {
                // Development and tests write mail to the data folder unless told otherwise.
                if (config["Mail:Transport"] is null && !builder.Environment.IsProduction())
                {
                    m.Transport = "Folder";
                }
            });
        services.AddSingleton<Mail.MailDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<Mail.MailDispatcher>());
        services.AddScoped<Mail.MailOutbox>();
        services.AddScoped<Mail.LinkBuilder>();
        services.AddScoped<Mail.IMailTransport>(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Mail.MailSettings>>().Value.UsesFolder
            ? ActivatorUtilities.CreateInstance<Mail.FolderMailTransport>(sp)
            : ActivatorUtilities.CreateInstance<Mail.SmtpMailTransport>(sp));
        services.AddSingleton<Text.SafeMarkdown>();
        services.AddScoped<CurrentUser>();
        services.AddScoped<ScopedWork>();

        foreach (var module in TandemModules.All)
        {
            module.AddServices(services, config);
        }

        // After the modules: with Redis:Configuration set, the in-process live transport, revocations and counts are replaced by shared ones.
        Cluster.ClusterSetup.AddTandemCluster(services, config);

        services.AddSingleton<SetupState>();
        Features.Practices.SetupCode.Validate(config);
        services.AddSingleton<Features.Practices.SetupCode>();
        services.AddScoped<SetupPractice>();
        services.AddScoped<DemoSeeder>();
        services.AddScoped<DemoBanner>();
        services.AddScoped<Features.Accounts.DeactivateAccount>();
        services.AddScoped<Features.Accounts.SignInSessions>();
        services.AddScoped<Features.Accounts.PasswordReset>();
        services.AddSingleton<Features.Accounts.PasswordResetRequests>();
        services.AddHostedService<Features.Accounts.PasswordResetMailer>();
        services.AddScoped<Features.Accounts.ListPeople>();
        services.AddScoped<Features.Accounts.UpdateProfile>();
        return builder;
    }
}
