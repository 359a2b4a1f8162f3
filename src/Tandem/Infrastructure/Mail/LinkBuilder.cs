using Tandem.Infrastructure.Hosting;

namespace Tandem.Infrastructure.Mail;

/// <summary>
/// Absolute links for emails, calendar feeds and exports: always on <see cref="AppOrigin"/>
/// (Tandem:PublicUrl, or the address the server listens on), never on the address a request
/// named. A request's Host or X-Forwarded-Host is whatever its sender typed: building links from
/// it would let an anonymous request make Tandem mail a genuine notification that points
/// elsewhere (issue 19, finding 1). Links never carry clinical content, only ids and tokens.
/// </summary>
public sealed class LinkBuilder(AppOrigin origin)
{
    public string Base => origin.BaseUrl;

    public string Engagement(Guid id) => $"{Base}/engagements/{id}";

    public string Invitation(string token) => $"{Base}/invitations/{token}";

    public string Home => $"{Base}/";
}
