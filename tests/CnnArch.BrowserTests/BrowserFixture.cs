using Xunit;
using PuppeteerSharp;

namespace CnnArch.BrowserTests;

/// <summary>
/// One headless Chromium for the whole run: Debian's package at /usr/bin/chromium (or the path in
/// CNNARCH_CHROMIUM), never a downloaded browser. Null when there is none.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public static string ExecutablePath => Environment.GetEnvironmentVariable("CNNARCH_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static bool Required => Environment.GetEnvironmentVariable("CNNARCH_REQUIRE_BROWSER") == "1";

    public IBrowser? Browser { get; private set; }

    /// <summary>Where screenshots go: CNNARCH_ARTIFACTS, or artifacts/ beside the test binaries.</summary>
    public static string Artifacts
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("CNNARCH_ARTIFACTS") is { Length: > 0 } a ? a : Path.Combine(AppContext.BaseDirectory, "artifacts");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            return;
        }

        Browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            ],
            DefaultViewport = new PuppeteerSharp.ViewPortOptions { Width = 1600, Height = 1000 },
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
            await Browser.DisposeAsync();
        }
    }
}

[CollectionDefinition(nameof(BrowserCollection))]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>;
