namespace Tandem.Infrastructure.Mail;

/// <summary>
/// Absolute links for emails. Tandem:PublicUrl when set (production), otherwise the address of
/// the current request. Links never carry clinical content, only ids and tokens.
/// </summary>
public sealed class LinkBuilder(IConfiguration config, IHttpContextAccessor http)
{
    private string? _circuitBase;

    /// <summary>Live components have no request: they pass the address their page was opened at.</summary>
    public void UseBase(string baseUri) => _circuitBase = baseUri.TrimEnd('/');

    public string Base
    {
        get
        {
            if (config["Tandem:PublicUrl"] is { Length: > 0 } configured)
            {
                return configured.TrimEnd('/');
            }

            var request = http.HttpContext?.Request;
            if (request is null && _circuitBase is not null)
            {
                return _circuitBase;
            }

            return request is null ? "http://127.0.0.1:5080" : $"{request.Scheme}://{request.Host}{request.PathBase}";
        }
    }

    public string Engagement(Guid id) => $"{Base}/engagements/{id}";

    public string Invitation(string token) => $"{Base}/invitations/{token}";

    public string Home => $"{Base}/";
}
