using System.Security.Cryptography;
using System.Text;
using Tandem.Infrastructure.Hosting;

namespace Tandem.Features.Audit;

/// <summary>
/// The key of the audit chain (issue 26, item 8), kept outside the database: each entry's hash is an
/// HMAC-SHA256 with it, so someone who can write the database (its owner, or whoever edits a stolen
/// backup) cannot rewrite an entry and recompute the chain after it without being found. Entries record
/// which key made them (<see cref="AuditEntry.KeyId"/>: a short fingerprint, or <see cref="LegacyKeyId"/>
/// for the plain SHA-256 entries written before the key existed), so old keys can be kept for verifying
/// after a rotation.
/// <para>
/// Configuration: <c>Audit:ChainKeyFile</c> (a file with one base64 key of at least 32 bytes per line, the
/// first the current one, later lines older keys) or <c>Audit:ChainKey</c>; <c>Audit:PreviousChainKeys</c>
/// for older keys; <c>Audit:RequireKeyedChain</c> to treat any unkeyed entry as a break. Production refuses
/// to start without a key; elsewhere a key is generated once into the data folder (audit-chain.key).
/// </para>
/// </summary>
public sealed class AuditChainKeys
{
    /// <summary>The key id of entries hashed with plain SHA-256 (before the chain was keyed).</summary>
    public const string LegacyKeyId = "sha256";

    public const string KeySetting = "Audit:ChainKey";
    public const string KeyFileSetting = "Audit:ChainKeyFile";
    public const string PreviousKeysSetting = "Audit:PreviousChainKeys";
    public const string RequireKeyedSetting = "Audit:RequireKeyedChain";

    /// <summary>The key file generated in Development and tests, inside the data folder.</summary>
    public const string GeneratedFileName = "audit-chain.key";

    private const int MinimumKeyBytes = 32;

    private readonly Dictionary<string, byte[]> _keys;

    private AuditChainKeys(byte[] current, IEnumerable<byte[]> previous, bool requireKeyed, string source)
    {
        CurrentId = IdOf(current);
        _keys = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [CurrentId] = current };
        foreach (var key in previous)
        {
            _keys.TryAdd(IdOf(key), key);
        }

        RequireKeyed = requireKeyed;
        Source = source;
    }

    /// <summary>The id new entries are made with.</summary>
    public string CurrentId { get; }

    /// <summary>Every key id this installation can verify (the current one first).</summary>
    public IReadOnlyCollection<string> KnownIds => _keys.Keys;

    /// <summary>Whether an unkeyed (SHA-256) entry is a break, not a legacy entry.</summary>
    public bool RequireKeyed { get; }

    /// <summary>Where the key came from (a setting name or a file path; never the key).</summary>
    public string Source { get; }

    /// <summary>A key made up for a test, from a fixed seed (never for a real installation).</summary>
    public static AuditChainKeys ForTesting(byte[] current, params byte[][] previous) => new(current, previous, false, "test");

    /// <summary>The MAC of <paramref name="content"/> with key <paramref name="keyId"/>, hex; null when that key is not configured.</summary>
    public string? Mac(string keyId, string content) => Mac(keyId, Encoding.UTF8.GetBytes(content));

    /// <summary>The MAC of <paramref name="content"/> (bytes) with key <paramref name="keyId"/>, hex; null when that key is not configured.</summary>
    public string? Mac(string keyId, ReadOnlySpan<byte> content)
    {
        if (!_keys.TryGetValue(keyId, out var key))
        {
            return null;
        }

        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, content, mac);
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>
    /// A short public fingerprint of a key: it names the key in each entry without revealing it (48 bits of a
    /// hash of 256 secret bits), so verification knows which of several keys to use.
    /// </summary>
    public static string IdOf(byte[] key)
    {
        var prefix = "tandem-audit-chain-key:"u8;
        var input = new byte[prefix.Length + key.Length];
        prefix.CopyTo(input);
        key.CopyTo(input.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(SHA256.HashData(input))[..12];
    }

    /// <summary>Reads the keys from configuration; throws <see cref="SettingException"/> with one sentence naming the setting.</summary>
    public static AuditChainKeys Load(IConfiguration config, IHostEnvironment env, string dataFolder)
    {
        var keys = new List<byte[]>();
        string source;
        var inline = config[KeySetting];
        var file = config[KeyFileSetting];
        if (!string.IsNullOrWhiteSpace(inline) && !string.IsNullOrWhiteSpace(file))
        {
            throw new SettingException($"Set one of {KeyFileSetting} and {KeySetting}, not both: which is the audit chain key would be a guess.");
        }

        if (!string.IsNullOrWhiteSpace(file))
        {
            var path = Path.GetFullPath(file, env.ContentRootPath);
            keys.AddRange(ReadKeyFile(path, KeyFileSetting));
            source = path;
        }
        else if (!string.IsNullOrWhiteSpace(inline))
        {
            keys.Add(Parse(inline, KeySetting));
            source = KeySetting;
        }
        else if (env.IsProduction())
        {
            throw new SettingException(
                $"{KeyFileSetting} is not set: in Production Tandem needs the audit chain key kept outside the database " +
                $"(a file with a base64 key of at least 32 bytes, e.g. /etc/tandem/audit.key; see docs/operations.md, \"The audit chain\").");
        }
        else
        {
            // Development and tests: `dotnet run` just works, with a key beside the database in the data folder
            // (where a copy of the database would take it along: fine for a demo, not for production).
            var path = Path.Combine(dataFolder, GeneratedFileName);
            keys.AddRange(File.Exists(path) ? ReadKeyFile(path, KeyFileSetting) : [Generate(path)]);
            source = path;
        }

        var previousSection = config.GetSection(PreviousKeysSetting);
        var previous = previousSection.GetChildren().Select(c => c.Value).ToList();
        if (previous.Count == 0 && previousSection.Value is { } list)
        {
            previous.AddRange(list.Split([',', ';', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
        }

        keys.AddRange(previous.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => Parse(p!, PreviousKeysSetting)));
        return new AuditChainKeys(keys[0], keys.Skip(1), Setting.Get(config, RequireKeyedSetting, false), source);
    }

    private static List<byte[]> ReadKeyFile(string path, string setting)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingException($"{setting}: the audit chain key file {path} cannot be read ({e.GetType().Name}: {e.Message}).");
        }

        var keys = lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => Parse(l, $"{setting} ({path})")).ToList();
        return keys.Count > 0 ? keys : throw new SettingException($"{setting}: the audit chain key file {path} holds no key (one base64 key of at least {MinimumKeyBytes} bytes per line).");
    }

    private static byte[] Parse(string base64, string setting)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new SettingException($"{setting} is not base64: the audit chain key is {MinimumKeyBytes} or more random bytes in base64 (openssl rand -base64 32).");
        }

        return key.Length >= MinimumKeyBytes
            ? key
            : throw new SettingException($"{setting} is {key.Length} bytes: the audit chain key must be at least {MinimumKeyBytes} random bytes (openssl rand -base64 32).");
    }

    private static byte[] Generate(string path)
    {
        var key = RandomNumberGenerator.GetBytes(MinimumKeyBytes);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        // Written whole under another name, then moved into place: a second process never reads half a file.
        var temporary = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        using (var writer = new StreamWriter(temporary, Encoding.ASCII, options))
        {
            writer.WriteLine("# Tandem's audit chain key, generated for Development. In production set Audit:ChainKeyFile (docs/operations.md).");
            writer.WriteLine(Convert.ToBase64String(key));
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process of this data folder made it first: use theirs.
            File.Delete(temporary);
            return ReadKeyFile(path, KeyFileSetting)[0];
        }

        return key;
    }
}
