using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Tandem.Features.Engagements;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Messages;

/// <summary>
/// Live updates for an engagement at <c>/hubs/engagement</c>. A connection hears nothing until
/// it joins an engagement, and joining re-checks participation through
/// <see cref="EngagementAccess"/> (non-participants get "Not found." and are audited). Events
/// carry ids only; clients then read through the API, which checks and audits again.
/// </summary>
[Authorize(Policy = Policies.Clinician)]
public sealed partial class EngagementHub(EngagementAccess access, TenantContext tenant, CurrentUser me, Video.VideoRoom video) : Hub
{
    public static string EveryoneGroup(Guid engagementId) => $"engagement:{engagementId:N}";

    public static string TherapistsGroup(Guid engagementId) => $"engagement:{engagementId:N}:therapists";

    public static string ClientGroup(Guid engagementId, Guid clientId) => $"engagement:{engagementId:N}:client:{clientId:N}";

    /// <summary>Start hearing about one engagement (shared thread, and one's own one-to-one threads).</summary>
    public async Task JoinEngagement(Guid engagementId)
    {
        UseCaller();
        Engagement engagement;
        try
        {
            engagement = await access.RequireParticipantAsync(engagementId, "EngagementHub", Context.ConnectionAborted);
        }
        catch (DomainException)
        {
            throw new HubException("Not found.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, EveryoneGroup(engagementId), Context.ConnectionAborted);
        var personal = engagement.IsTherapist(me.Id) ? TherapistsGroup(engagementId) : ClientGroup(engagementId, me.Id);
        await Groups.AddToGroupAsync(Context.ConnectionId, personal, Context.ConnectionAborted);
    }

    public async Task LeaveEngagement(Guid engagementId)
    {
        UseCaller();
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, EveryoneGroup(engagementId));
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, TherapistsGroup(engagementId));
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, ClientGroup(engagementId, me.Id));
    }

    // A hub call has no request of its own: carry the connection's person and address into
    // this call's scope, as ScopedWork does for live components.
    private void UseCaller()
    {
        tenant.SetCircuitUser(Context.User ?? new System.Security.Claims.ClaimsPrincipal());
        tenant.SetSourceAddress(Context.GetHttpContext()?.Connection.RemoteIpAddress);
    }
}
