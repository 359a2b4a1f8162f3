using Tandem.Infrastructure.Hosting;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Accounts;

namespace Tandem.Infrastructure.Security;

public static class AuthSetup
{
    public const string CookieOrBearer = "CookieOrBearer";
    public const string SignInLimiter = "sign-in";
    public const string FirstConversationLimiter = "first-conversation";

    /// <summary>Paths where a password, code or token is tried: rate limited per client address.</summary>
    private static readonly string[] SignInPaths =
    [
        "/api/auth/login", "/api/auth/refresh", "/Account/Login", "/Account/LoginWith2fa",
        "/Account/LoginWithRecoveryCode", "/setup", "/invitations", "/api/auth/password-reset", "/Account/ForgotPassword", "/Account/ResetPassword",
    ];

    public static bool HasBearerToken(HttpContext context) =>
        context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    public static bool IsApiRequest(HttpContext context) => context.Request.Path.StartsWithSegments("/api");

    public static IServiceCollection AddTandemAuth(this IServiceCollection services, IConfiguration config, IHostEnvironment env)
    {
        services.AddOptions<SecurityOptions>().BindChecked(config, "Security");
        services.AddMemoryCache();
        services.AddSingleton<AccountStatusCache>();
        services.AddSingleton<SignInSessionCache>();
        services.AddSingleton<ISignInRevocations, LocalSignInRevocations>();
        services.AddSingleton<SessionValidator>();
        services.AddSingleton<ISignInThrottle, InProcessSignInThrottle>();
        services.AddScoped<PasswordSignIn>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, NotFoundForForbidden>();

        services.AddTandemPasswordHashing(config, env);

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieOrBearer;
                o.DefaultChallengeScheme = CookieOrBearer;
                o.DefaultForbidScheme = CookieOrBearer;
            })
            .AddPolicyScheme(CookieOrBearer, "Cookie or bearer token", o =>
                o.ForwardDefaultSelector = ctx => HasBearerToken(ctx) ? IdentityConstants.BearerScheme : IdentityConstants.ApplicationScheme)
            .AddBearerToken(IdentityConstants.BearerScheme)
            .AddIdentityCookies();

        services.AddOptions<BearerTokenOptions>(IdentityConstants.BearerScheme)
            .Configure<IOptions<SecurityOptions>>((o, security) =>
            {
                o.BearerTokenExpiration = security.Value.AccessTokenLifetime;
                o.RefreshTokenExpiration = security.Value.AbsoluteTimeout;
            });

        // The form-protection cookie is Secure whenever the browser's request was https: behind a trusted
        // proxy that is what X-Forwarded-Proto says (the framework's default never marks it Secure).
        services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = env.IsDevelopment() ? "tandem.session" : "__Host-tandem.session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = env.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(30);
            o.SlidingExpiration = true;
            o.LoginPath = "/Account/Login";
            o.LogoutPath = "/Account/Logout";
            o.AccessDeniedPath = "/not-found";
            o.Events.OnRedirectToLogin = ctx => ApiAware(ctx.HttpContext, StatusCodes.Status401Unauthorized,
                ctx.HttpContext.Items.TryGetValue(SessionValidationMiddleware.EndedKey, out var ended) && ended is string word
                    ? Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(ctx.RedirectUri, "ended", word)
                    : ctx.RedirectUri);
            o.Events.OnRedirectToAccessDenied = ctx => ApiAware(ctx.HttpContext, StatusCodes.Status404NotFound, ctx.RedirectUri);
            // Session validity (active account, security stamp, absolute limit): one rule for cookies
            // (checked here, as the cookie is read) and tokens (SessionValidationMiddleware).
            o.Events.OnValidatePrincipal = SessionValidationMiddleware.ValidateCookieAsync;
        });
        services.AddOptions<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<IOptions<SecurityOptions>>((o, security) => o.ExpireTimeSpan = security.Value.IdleTimeout);

        // Before AddIdentityCore, which only adds its own normalizer when none is registered.
        services.AddSingleton<ILookupNormalizer, TandemLookupNormalizer>();
        services.AddIdentityCore<TandemUser>(o =>
            {
                o.SignIn.RequireConfirmedAccount = false;
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 4;
                // No hard lockout, which anyone could trigger for anyone: ISignInThrottle slows guessing
                // down with growing delays by account and by source instead (issue 19, finding 7).
                o.Lockout.MaxFailedAccessAttempts = int.MaxValue;
                o.Lockout.AllowedForNewUsers = false;
                o.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
                o.Tokens.PasswordResetTokenProvider = PasswordResetTokenProvider.ProviderName;
            })
            .AddEntityFrameworkStores<TandemDbContext>()
            .AddSignInManager<TandemSignInManager>()
            .AddDefaultTokenProviders()
            // Replaces the framework's authenticator provider under the same name: each code works once (issue 19, finding 12).
            .AddTokenProvider<OneUseAuthenticatorTokenProvider>(TokenOptions.DefaultAuthenticatorProvider)
            .AddTokenProvider<PasswordResetTokenProvider>(PasswordResetTokenProvider.ProviderName)
            .AddClaimsPrincipalFactory<TandemClaimsFactory>()
            .AddPasswordValidator<CommonPasswordValidator>();

        services.AddTandemPolicies();
        services.AddRateLimiter(o =>
        {
            var signIn = PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
            {
                if (!HttpMethods.IsPost(ctx.Request.Method) || !SignInPaths.Any(p => ctx.Request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
                {
                    return RateLimitPartition.GetNoLimiter("none");
                }

                var security = ctx.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value;
                var address = ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return Window(ctx, $"{SignInLimiter}:{address}", security.SignInPermitLimit, security.SignInWindow);
            });

            // Public first-conversation requests (page form and API): a separate, slower window per address.
            var firstConversation = PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
            {
                if (!IsFirstConversationPost(ctx))
                {
                    return RateLimitPartition.GetNoLimiter("none");
                }

                var security = ctx.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value;
                var address = ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return Window(ctx, $"{FirstConversationLimiter}:{address}", security.FirstConversationPermitLimit, security.FirstConversationWindow);
            });
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(signIn, firstConversation);
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (ctx, ct) =>
            {
                if (IsFirstConversationPost(ctx.HttpContext))
                {
                    await RejectFirstConversationAsync(ctx.HttpContext);
                    return;
                }

                ctx.HttpContext.Response.Headers.RetryAfter = "10";
                var problems = ctx.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = ctx.HttpContext,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = 429,
                        Title = "Too many attempts.",
                        Detail = "Please wait a few seconds and try again.",
                    },
                });
            };
        });
        return services;
    }

    /// <summary>
    /// A fixed window per key: in this process on one node, in Redis when several nodes share one
    /// (issue 27), so a client meets the same limit whichever node its requests reach.
    /// </summary>
    private static RateLimitPartition<string> Window(HttpContext ctx, string key, int permitLimit, TimeSpan window) =>
        ctx.RequestServices.GetService<Cluster.ISharedWindowCounter>() is { } shared
            ? RateLimitPartition.Get(key, k => new Cluster.SharedWindowLimiter(shared, k, permitLimit, window))
            : RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permitLimit,
                Window = window,
                QueueLimit = 0,
            });

    /// <summary>A first-conversation request being sent: the API, or the request form posting back.</summary>
    public static bool IsFirstConversationPost(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method)
        && (context.Request.Path.Equals(Features.GettingStarted.DirectoryApi.RequestsPath, StringComparison.OrdinalIgnoreCase)
            || context.Request.Path.StartsWithSegments(Features.GettingStarted.Pages.FirstConversationPaths.Form, StringComparison.OrdinalIgnoreCase));

    /// <summary>Problem details for the API; for a person in a browser, a calm page that says what happened and what to do.</summary>
    private static async Task RejectFirstConversationAsync(HttpContext context)
    {
        var window = context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.FirstConversationWindow;
        var minutes = Math.Max(1, (int)Math.Ceiling(window.TotalMinutes));
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(window.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (IsApiRequest(context))
        {
            var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = 429,
                    Title = "Too many requests from this address.",
                    Detail = $"Several requests were sent in a short time. Please wait about {minutes} minutes and try again. Nothing from this attempt was stored.",
                },
            });
            return;
        }

        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(Features.GettingStarted.Pages.FirstConversationPaths.TooManyRequestsHtml(minutes));
    }

    private static Task ApiAware(HttpContext context, int apiStatus, string redirectUri)
    {
        if (IsApiRequest(context) || HasBearerToken(context))
        {
            context.Response.StatusCode = apiStatus;
            return Task.CompletedTask;
        }

        context.Response.Redirect(redirectUri);
        return Task.CompletedTask;
    }
}
