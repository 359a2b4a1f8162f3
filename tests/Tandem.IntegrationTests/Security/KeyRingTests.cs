using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.IntegrationTests.Support;

namespace Tandem.IntegrationTests.Security;

/// <summary>
/// The Data Protection key ring (sign-in cookies, antiforgery and other protected values) is
/// stored in the database. With <c>Security:KeyCertificatePath</c> set, every key is stored
/// encrypted with that certificate, so a copy of the database alone cannot forge a session.
/// </summary>
public sealed class KeyRingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_a_key_certificate_the_stored_keys_are_encrypted_and_signing_in_still_works()
    {
        var folder = Directory.CreateTempSubdirectory("tandem-keys-");
        try
        {
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest("CN=Tandem key ring (test)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            var path = Path.Combine(folder.FullName, "keys.pfx");
            await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pfx, "test-password"), Ct);

            await using var app = await TandemApp.StartAsync(settings: new Dictionary<string, string?>
            {
                ["Security:KeyCertificatePath"] = path,
                ["Security:KeyCertificatePassword"] = "test-password",
            });
            // A new key, as the key ring makes one every 90 days, and signing in through the page as usual.
            var keyManager = app.Services.GetRequiredService<IKeyManager>();
            var existing = new HashSet<int>();
            await app.WithDbAsync(async db => existing = (await db.DataProtectionKeys.Select(k => k.Id).ToListAsync(Ct)).ToHashSet());
            keyManager.CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));
            using var browser = app.CreateAnonymousClient();
            using (var signedIn = await PageForms.SignInAsync(browser, "sam@riverside.test"))
            {
                Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            }

            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/", Ct)).StatusCode);
            var keys = new List<string>();
            await app.WithDbAsync(async db => keys = (await db.DataProtectionKeys.ToListAsync(Ct)).Where(k => !existing.Contains(k.Id)).Select(k => k.Xml!).ToList());
            Assert.NotEmpty(keys);
            Assert.All(keys, xml =>
            {
                // Encrypted to the certificate (XML encryption naming it); the plain form would hold <masterKey><value>.
                Assert.Contains("<encryptedSecret decryptorType=\"Microsoft.AspNetCore.DataProtection.XmlEncryption.EncryptedXmlDecryptor", xml, StringComparison.Ordinal);
                Assert.Contains(Convert.ToBase64String(certificate.RawData), xml, StringComparison.Ordinal);
                Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
            });
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
