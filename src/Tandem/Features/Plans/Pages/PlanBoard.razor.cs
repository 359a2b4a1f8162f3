using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Tandem.Features.Engagements;
using Tandem.Features.Proposals;
using Tandem.Infrastructure.Errors;

namespace Tandem.Features.Plans.Pages;

/// <summary>
/// The plan page is live: when anyone in the engagement changes the plan or answers a
/// proposal, every open copy that someone is looking at reloads its data and says who changed
/// what (a hidden or disconnected copy waits until its person is back: docs/live-updates.md).
/// Work in progress (a draft focus, a half-typed goal) stays in the form.
/// </summary>
public sealed partial class PlanBoard
{
    private PlanView? plan;
    private EngagementView? engagement;
    private IReadOnlyList<ProposalView> waiting = [];
    private IReadOnlyList<ProposalView> others = [];
    private bool notFound;
    private bool isClient;
    private bool decidesAlone;
    private bool writable;
    private Guid myId;
    private string myName = "";
    private string? message;
    private bool failed;

    // One change at a time: a double click, whose second click arrives while the first is saving, must not propose twice.
    private bool busy;
    private string? liveNote;
    private Infrastructure.Live.LiveWatch? subscription;

    private string focusDraft = "";
    private string goalText = "";
    private string goalWhy = "";
    private string goalReason = "";
    private string questionText = "";
    private string commitmentText = "";
    private Guid commitmentOwner;
    private DateOnly? commitmentDue;
    private readonly Dictionary<Guid, string> comments = new();
    private readonly Dictionary<Guid, string> counterTexts = new();
    private readonly Dictionary<Guid, string> counterWhys = new();
    private Guid? countering;
    private readonly Dictionary<Guid, int?> ratings = new();

    [Parameter]
    public Guid Id { get; set; }

    protected override async Task OnInitializedAsync()
    {
        var user = await Work.UserAsync();
        myId = Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!);
        myName = user.FindFirstValue(Infrastructure.Tenancy.TandemClaims.DisplayName) ?? "";
        try
        {
            await LoadAsync();
            focusDraft = plan!.Focus;
            commitmentOwner = myId;
        }
        catch (DomainException ex) when (ex.Kind == DomainError.NotFound)
        {
            notFound = true;
            return;
        }

        if (RendererInfo.IsInteractive)
        {
            subscription = Infrastructure.Live.LiveWatch.Start(Presence,
                handler => Live.Subscribe(Id, myId, handler, Infrastructure.Live.LiveTopic.Plan), InvokeAsync, OnPlanChangedAsync);
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            await Presence.StartAsync(JS);
        }
    }

    /// <summary>Someone else changed the plan and a person is looking at this page: show it, and say who did what.</summary>
    private async Task OnPlanChangedAsync(IReadOnlyList<Infrastructure.Live.EngagementChanged> changes)
    {
        var latest = changes.LastOrDefault(c => c.ById != myId);
        if (latest is null)
        {
            return;
        }

        await LoadAsync(live: true);
        liveNote = $"{latest.ByName} {latest.What} just now. The plan below is up to date.";
        StateHasChanged();
    }

    /// <summary>
    /// What the board reads when it loads (also timed by the benchmark harness, which cannot open a circuit): kept in memory
    /// per person like the hub (<see cref="Infrastructure.Caching.ViewCache"/>, issue 25). It is made after the participant
    /// check and used again only under the same data version, which any change to the plan, a proposal, an answer or the
    /// engagement moves; each use records the same reads again before the board shows them.
    /// </summary>
    internal static async Task<(EngagementView Engagement, PlanView Plan, IReadOnlyList<ProposalView> Proposals)> ReadAsync(IServiceProvider sp, Guid id)
    {
        var board = await sp.GetRequiredService<Infrastructure.Caching.ViewCache>().GetAsync("plan-board", id.ToString(), async () =>
        {
            var e = await sp.GetRequiredService<EngagementQueries>().GetAsync(id);
            var p = await sp.GetRequiredService<PlanUseCases>().GetAsync(id);
            var list = await sp.GetRequiredService<ProposalUseCases>().ListAsync(id);
            return new Board(e, p, list);
        });
        return (board.Engagement, board.Plan, board.Proposals);
    }

    private sealed record Board(EngagementView Engagement, PlanView Plan, IReadOnlyList<ProposalView> Proposals);

    private async Task LoadAsync(bool live = false)
    {
        Task<(EngagementView, PlanView, IReadOnlyList<ProposalView>)> Read(IServiceProvider sp) => ReadAsync(sp, Id);

        (engagement, plan, var proposals) = live ? await Work.RunLiveAsync(Read) : await Work.RunAsync(Read);
        var me = engagement.Participants.First(p => p.UserId == myId);
        isClient = me.Role == nameof(ParticipantRole.Client);
        writable = engagement.AllClientsSigned && engagement.Status == EngagementStatus.Active;
        decidesAlone = isClient && engagement.Format == EngagementFormat.ClientLed;
        var pending = proposals.Where(p => p.Status == nameof(ProposalStatus.Pending)).ToList();
        waiting = pending.Where(p => p.CanRespond).ToList();
        others = pending.Where(p => !p.CanRespond).ToList();
        foreach (var p in waiting)
        {
            comments.TryAdd(p.Id, "");
            counterTexts.TryAdd(p.Id, p.Change.Text ?? "");
            counterWhys.TryAdd(p.Id, p.Change.WhyItMatters ?? "");
        }

        foreach (var g in plan.Goals)
        {
            ratings.TryAdd(g.Id, null);
        }
    }

    private Task SaveFocusAsync() => RunAsync(async sp =>
    {
        if (decidesAlone)
        {
            await sp.GetRequiredService<PlanUseCases>().SetFocusAsync(Id, focusDraft, plan!.Version);
            return "The focus is saved.";
        }

        await sp.GetRequiredService<ProposalUseCases>().ProposeAsync(Id, ProposalKind.SetFocus, new ProposalPayload(Text: focusDraft), null);
        return "Your proposal is waiting for the others.";
    }, keepDrafts: true);

    private Task AddGoalAsync() => RunAsync(async sp =>
    {
        var result = await sp.GetRequiredService<ProposalUseCases>().ProposeAsync(Id, ProposalKind.AddGoal, new ProposalPayload(goalText, goalWhy), goalReason);
        goalText = goalWhy = goalReason = "";
        return result.Status == nameof(ProposalStatus.Applied) ? "The goal is in the plan." : "Your goal is proposed and waiting for the others.";
    });

    private Task AddQuestionAsync() => RunAsync(async sp =>
    {
        var result = await sp.GetRequiredService<ProposalUseCases>().ProposeAsync(Id, ProposalKind.AddQuestion, new ProposalPayload(questionText), null);
        questionText = "";
        return result.Status == nameof(ProposalStatus.Applied) ? "The question is in the plan." : "Your question is proposed.";
    });

    private Task ProposeAsync(ProposalKind kind, ProposalPayload change) => RunAsync(async sp =>
    {
        var result = await sp.GetRequiredService<ProposalUseCases>().ProposeAsync(Id, kind, change, null);
        return result.Status == nameof(ProposalStatus.Applied) ? "Done." : "Proposed: waiting for the others.";
    });

    private Task AnswerAsync(ProposalView proposal, bool accept) => RunAsync(async sp =>
    {
        var result = await sp.GetRequiredService<ProposalUseCases>().RespondAsync(proposal.Id, accept, comments.GetValueOrDefault(proposal.Id));
        return result.Status switch
        {
            nameof(ProposalStatus.Applied) => "Agreed: the plan is updated.",
            nameof(ProposalStatus.Declined) => "You declined. It stays in the history.",
            _ => "Thank you. Waiting for the others.",
        };
    });

    /// <summary>Proposals made of words can be answered with different words (issue 22).</summary>
    private static bool HasWording(ProposalView p) =>
        p.Kind is nameof(ProposalKind.AddGoal) or nameof(ProposalKind.EditGoal) or nameof(ProposalKind.SetFocus) or nameof(ProposalKind.AddQuestion);

    private static bool HasWhy(ProposalView p) => p.Kind is nameof(ProposalKind.AddGoal) or nameof(ProposalKind.EditGoal);

    private Task CounterAsync(ProposalView proposal) => RunAsync(async sp =>
    {
        var result = await sp.GetRequiredService<ProposalUseCases>().CounterAsync(proposal.Id, counterTexts.GetValueOrDefault(proposal.Id),
            HasWhy(proposal) ? counterWhys.GetValueOrDefault(proposal.Id) : null, null);
        countering = null;
        return result.Status == nameof(ProposalStatus.Applied)
            ? "Your wording is in the plan. The earlier proposal stays in the history."
            : "Your wording is proposed and waits for the others. The earlier proposal stays in the history.";
    });

    private Task AgreeAsync(Guid goalId) => RunAsync(async sp =>
    {
        await sp.GetRequiredService<PlanUseCases>().AgreeToGoalAsync(Id, goalId);
        return "You agreed to the goal.";
    });

    private Task RateAsync(Guid goalId) => RunAsync(async sp =>
    {
        if (ratings.GetValueOrDefault(goalId) is not { } value)
        {
            throw new DomainException("Choose a rating from 0 to 10 first.");
        }

        await sp.GetRequiredService<PlanUseCases>().RateGoalAsync(Id, goalId, value, null);
        ratings[goalId] = null;
        return "Your rating is saved.";
    });

    private Task AddCommitmentAsync() => RunAsync(async sp =>
    {
        await sp.GetRequiredService<PlanUseCases>().AddCommitmentAsync(Id, commitmentText, commitmentOwner, commitmentDue);
        commitmentText = "";
        commitmentDue = null;
        return "The commitment is added.";
    });

    private Task CompleteAsync(Guid commitmentId) => RunAsync(async sp =>
    {
        await sp.GetRequiredService<PlanUseCases>().CompleteCommitmentAsync(commitmentId);
        return "Marked done.";
    });

    private async Task RunAsync(Func<IServiceProvider, Task<string>> action, bool keepDrafts = false)
    {
        if (busy)
        {
            return;
        }

        busy = true;
        liveNote = null;
        try
        {
            message = await Work.RunAsync(action);
            failed = false;
            var draft = focusDraft;
            await LoadAsync();
            focusDraft = keepDrafts && !decidesAlone ? draft : plan!.Focus;
        }
        catch (DomainException ex)
        {
            // Nothing is lost: the form keeps what was typed, and the page says why.
            message = ex.Errors is { Count: > 0 } errors ? string.Join(" ", errors.SelectMany(e => e.Value)) : ex.Message;
            failed = true;
            if (ex.Kind == DomainError.PreconditionFailed)
            {
                var draft = focusDraft;
                await LoadAsync();
                focusDraft = draft;
            }
        }
        finally
        {
            busy = false;
        }
    }

    private static string StatusLabel(GoalView goal) => goal.Status switch
    {
        "Agreed" => "Agreed",
        "Achieved" => "Achieved",
        "SetAside" => "Set aside",
        _ => "Waiting for agreement",
    };

    public void Dispose() => subscription?.Dispose();

    /// <summary>Each person's ratings of a goal, the clients first (you first of all), oldest to newest.</summary>
    private List<List<RatingView>> RatersOf(GoalView goal) => goal.Ratings
        .GroupBy(r => r.RaterId)
        .OrderBy(r => r.Key == myId ? 0 : r.First().RaterRole == "Client" ? 1 : 2)
        .ThenBy(r => r.First().RaterName, StringComparer.CurrentCulture)
        .Select(r => r.OrderBy(x => x.At).ToList())
        .ToList();

    /// <summary>Whose a rating is, in words: "you", or the person's name and, for a therapist, their role.</summary>
    private string WhoRated(RatingView rating) =>
        rating.RaterId == myId ? "you" : rating.RaterRole == "Therapist" ? $"{rating.RaterName} (therapist)" : rating.RaterName;
}
