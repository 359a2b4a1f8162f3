using Tandem.Data;
using Tandem.Features.Measures;
using Tandem.Features.Measures.Instruments;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Security;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Bench;

/// <summary>
/// Reference endpoints for the benchmark harness (bench/run.sh), mapped only when
/// <c>Bench:Enabled=true</c>; a normal installation has no such routes at all.
/// B0 is the framework's ceiling in this process (a short text, no database); the bare write
/// stores one questionnaire response row and its score without access check, scoring or audit,
/// so the harness can show what the real submission (write + score + audit) costs on top.
/// </summary>
public sealed class BenchModule : ITandemModule
{
    public const string Setting = "Bench:Enabled";

    public void AddServices(IServiceCollection services, IConfiguration config)
    {
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.ServiceProvider.GetRequiredService<IConfiguration>().GetValue(Setting, false))
        {
            return;
        }

        var bench = app.MapGroup("/bench").WithTags("Benchmark").ExcludeFromDescription();
        bench.MapGet("/plain", () => TypedResults.Text("Hello, World!"))
            .AllowAnonymous().WithSummary("B0: a short text, for the framework's ceiling (benchmark setting only).");
        bench.MapPost("/write/{id:guid}", WriteAsync)
            .RequireAuthorization(Policies.Clinician)
            .WithSummary("A bare one-row write with no audit, to compare with the audited submission (benchmark setting only).");
        bench.MapPost("/write-audited/{id:guid}", (Guid id, TandemDbContext db, TenantContext tenant, CurrentUser me, InstrumentCatalog catalog, TimeProvider time, Audit.AuditTrail audit, CancellationToken ct) =>
                WriteCoreAsync(id, db, tenant, me, catalog, time, audit, ct))
            .RequireAuthorization(Policies.Clinician)
            .WithSummary("The same bare write plus its chained audit entry in the same transaction, so the difference is the audit insert alone (benchmark setting only).");
        bench.MapGet("/plan-board/{id:guid}", async (Guid id, HttpContext http) =>
            {
                var (engagement, plan, proposals) = await Plans.Pages.PlanBoard.ReadAsync(http.RequestServices, id);
                return TypedResults.Json(new PlanBoardLoad(engagement, plan, proposals));
            })
            .RequireAuthorization(Policies.SignedIn)
            .WithSummary("What the plan board reads over its circuit when it loads, as one request (the harness cannot open a circuit; benchmark setting only).");
    }

    private static async Task<IResult> WriteAsync(Guid id, TandemDbContext db, TenantContext tenant, CurrentUser me, InstrumentCatalog catalog, TimeProvider time, CancellationToken ct)
        => await WriteCoreAsync(id, db, tenant, me, catalog, time, audit: null, ct);

    private static async Task<IResult> WriteCoreAsync(Guid id, TandemDbContext db, TenantContext tenant, CurrentUser me, InstrumentCatalog catalog, TimeProvider time, Audit.AuditTrail? audit, CancellationToken ct)
    {
        var practiceId = tenant.PracticeId ?? throw new InvalidOperationException("A signed-in person has a practice.");
        var now = time.GetUtcNow();
        var instrument = catalog.Get(InstrumentCatalog.Phq9);
        var responseId = Guid.CreateVersion7(now);
        var response = MeasureResponse.Create(responseId, practiceId, id, instrument.Id, me.Id, null, now, 9, "mild", [], null, Template(catalog), null, null);
        db.Add(response);
        db.Add(ScoreObservation.For(response, "http://loinc.org", "44261-6", "PHQ-9 total", 9));
        audit?.Stage(new Audit.AuditEvent
        {
            Action = Audit.AuditAction.Create,
            ObjectType = "MeasureResponse",
            ObjectId = responseId.ToString(),
            EngagementId = id,
            SubjectUserId = me.Id,
            DataCategory = Audit.AuditCategories.Clinical,
        });
        await db.SaveChangesAsync(ct);
        return TypedResults.Text(responseId.ToString(), statusCode: StatusCodes.Status201Created);
    }

    private static string? _template;

    private static string Template(InstrumentCatalog catalog)
    {
        if (_template is { } t)
        {
            return t;
        }

        var instrument = catalog.Get(InstrumentCatalog.Phq9);
        var scored = instrument.Items.Where(i => i.Scored).ToList();
        var answers = AnswerValidation.Validate(instrument, scored.Select((item, i) => RawAnswer.Of(item.LinkId, i < 8 ? 1 : 0)).ToList());
        return _template = FhirResponses.Build(Guid.Empty, instrument, answers, Guid.Empty, instrument.Respondent, DateTimeOffset.UnixEpoch);
    }
}

/// <summary>What the plan board loads over its circuit, as the bench endpoint answers it.</summary>
internal sealed record PlanBoardLoad(Engagements.EngagementView Engagement, Plans.PlanView Plan, IReadOnlyList<Proposals.ProposalView> Proposals);
