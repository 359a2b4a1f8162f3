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

        services.AddSerilog((sp, log) => log
            .ReadFrom.Configuration(config)
            .Enrich.FromLogContext()
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture, outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}"));

        services.AddSingleton(TimeProvider.System);
        AppOrigin.Validate(config);
        services.AddSingleton<AppOrigin>();
        services.AddTandemDatabase(config, builder.Environment);
        services.AddTandemAuth(config, builder.Environment);

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            // Never leak internals outside Development.
            ctx.ProblemDetails.Extensions.Remove("exception");
            ctx.ProblemDetails.Extensions["traceId"] = ctx.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<DomainExceptionHandler>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Tandem API";
            doc.Info.Description = "The JSON face of Tandem's use cases. Sign in with POST /api/auth/login and send the token as 'Authorization: Bearer ...'.";
            return Task.CompletedTask;
        }));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 2 * 1024 * 1024;
        });

        services.AddOptions<Mail.MailSettings>().Bind(config.GetSection("Mail"))
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

        services.AddSingleton<SetupState>();
        services.AddScoped<SetupPractice>();
        services.AddScoped<DemoSeeder>();
        services.AddScoped<DemoBanner>();
        services.AddScoped<Features.Accounts.DeactivateAccount>();
        services.AddScoped<Features.Accounts.ListPeople>();
        services.AddScoped<Features.Accounts.UpdateProfile>();
        return builder;
    }
}
