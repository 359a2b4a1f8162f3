namespace Tandem.Infrastructure.Mail;

/// <summary>
/// Absolute links for emails. Tandem:PublicUrl when set (production), otherwise the address of
/// the current request. Links never carry clinical content, only ids and tokens.
/// </summary>
public sealed class LinkBuilder(IConfiguration config, IHttpContextAccessor http)
{
    public string Base
    {
        get
        {
            if (config["Tandem:PublicUrl"] is { Length: > 0 } configured)
            {
                return configured.TrimEnd('/');
            }

            var request = http.HttpContext?.Request;
            return request is null ? "http://127.0.0.1:5080" : $"{request.Scheme}://{request.Host}{request.PathBase}";
        }
    }

    public string Engagement(Guid id) => $"{Base}/engagements/{id}";

    public string Invitation(string token) => $"{Base}/invitations/{token}";

    public string Home => $"{Base}/";
}
