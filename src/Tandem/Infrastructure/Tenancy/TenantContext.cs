using System.Security.Claims;

namespace Tandem.Infrastructure.Tenancy;

/// <summary>
/// The practice the current unit of work runs in. Normally it comes from the signed-in
/// person's claims; sign-in, invitation acceptance, seeding and background work set it
/// explicitly. "System" scope lifts the filter and must only wrap code that is itself
/// practice-safe (e.g. looking a person up by email to sign them in).
/// </summary>
public sealed class TenantContext(IHttpContextAccessor? accessor)
{
    private Guid? _explicitPractice;
    private int _systemDepth;
    private ClaimsPrincipal? _circuitUser;

    public static TenantContext ForSystem()
    {
        var context = new TenantContext(null);
        context._systemDepth = 1;
        return context;
    }

    public ClaimsPrincipal? User => _circuitUser ?? accessor?.HttpContext?.User;

    public Guid? PracticeId => _explicitPractice ?? PracticeOf(User);

    public bool IsSystem => _systemDepth > 0;

    /// <summary>The request being answered, if any (in a live circuit, the circuit's own connection).</summary>
    public HttpContext? Request => accessor?.HttpContext;

    public IDisposable AsSystem()
    {
        _systemDepth++;
        return new Restore(() => _systemDepth--);
    }

    public IDisposable Use(Guid practiceId)
    {
        var previous = _explicitPractice;
        _explicitPractice = practiceId;
        return new Restore(() => _explicitPractice = previous);
    }

    /// <summary>Interactive circuits have no HttpContext; <c>ScopedWork</c> supplies the user.</summary>
    public void SetCircuitUser(ClaimsPrincipal user) => _circuitUser = user;

    /// <summary>The client address for audit entries: the request's, or the one a circuit started from.</summary>
    public System.Net.IPAddress? SourceAddress => _sourceAddress ?? accessor?.HttpContext?.Connection.RemoteIpAddress;

    public void SetSourceAddress(System.Net.IPAddress? address) => _sourceAddress = address;

    private System.Net.IPAddress? _sourceAddress;

    public static Guid? PracticeOf(ClaimsPrincipal? user)
    {
        var value = user?.FindFirst(TandemClaims.PracticeId)?.Value;
        return Guid.TryParse(value, out var id) ? id : null;
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        private Action? _undo = undo;

        public void Dispose()
        {
            _undo?.Invoke();
            _undo = null;
        }
    }
}
