using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Features.Video;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Security;

namespace Tandem.UnitTests.Hosting;

/// <summary>
/// A typed setting Tandem cannot read stops the start with one sentence naming it, what it holds and what it should be;
/// before, <c>GetValue</c> and the options binder threw at the first request or in a background service (a 500, or a
/// service that died with a stack trace).
/// </summary>
public sealed class SettingTests
{
    private static IConfiguration Config(string key, string? value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public void A_setting_left_out_is_the_default(string? value)
    {
        Assert.True(Setting.Get(Config("Tandem:ViewCache", value), "Tandem:ViewCache", true));
        Assert.Null(Setting.Get<bool>(Config("Demo:Seed", value), "Demo:Seed"));
        Assert.Equal(TimeSpan.FromMinutes(5), Setting.Get(Config("Sessions:ReminderInterval", value), "Sessions:ReminderInterval", TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void A_readable_setting_is_taken()
    {
        Assert.False(Setting.Get(Config("Tandem:ViewCache", "false"), "Tandem:ViewCache", true));
        Assert.Equal(TimeSpan.FromSeconds(90), Setting.Get(Config("Sessions:ReminderInterval", "00:01:30"), "Sessions:ReminderInterval", TimeSpan.FromMinutes(5)));
        Assert.Equal(12, Setting.Get(Config("Demo:FormerClients", "12"), "Demo:FormerClients", 192));
    }

    [Theory]
    [InlineData("Tandem:ViewCache", "yes", "Tandem:ViewCache must be true or false; \"yes\" is not (environment variable Tandem__ViewCache).")]
    [InlineData("Sessions:ReminderInterval", "five minutes", "Sessions:ReminderInterval must be a length of time such as 00:30:00")]
    [InlineData("Demo:FormerClients", "many", "Demo:FormerClients must be a whole number; \"many\" is not")]
    public void An_unreadable_setting_is_one_sentence_naming_it(string key, string value, string expected)
    {
        var config = Config(key, value);
        var refused = Assert.Throws<SettingException>(() => key switch
        {
            "Tandem:ViewCache" => Setting.Get(config, key, true),
            "Demo:FormerClients" => Setting.Get(config, key, 192),
            _ => (object)Setting.Get(config, key, TimeSpan.Zero),
        });
        Assert.StartsWith(expected, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Theory]
    [InlineData("Security:IdleTimeout", "half an hour", "Security:IdleTimeout must be a length of time such as 00:30:00")]
    [InlineData("Security:SignInPermitLimit", "ten", "Security:SignInPermitLimit must be a whole number; \"ten\" is not (environment variable Security__SignInPermitLimit).")]
    public void Options_are_bound_once_as_the_app_is_built(string key, string value, string expected)
    {
        var services = new ServiceCollection();
        var refused = Assert.Throws<SettingException>(() => services.AddOptions<SecurityOptions>().BindChecked(Config(key, value), "Security"));
        Assert.StartsWith(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Readable_options_bind_as_before()
    {
        var services = new ServiceCollection();
        services.AddOptions<VideoOptions>().BindChecked(Config("Video:MaxParticipants", "6"), "Video");
        using var provider = services.BuildServiceProvider();
        Assert.Equal(6, provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<VideoOptions>>().Value.MaxParticipants);
    }

    [Fact]
    public void A_setting_exception_is_found_inside_what_carries_it()
    {
        var setting = new SettingException("Sessions:ReminderInterval must be ...");
        Assert.Same(setting, SettingException.Within(new InvalidOperationException("outer", setting)));
        Assert.Same(setting, SettingException.Within(new AggregateException(setting)));
        Assert.Null(SettingException.Within(new InvalidOperationException("unrelated")));
    }
}
