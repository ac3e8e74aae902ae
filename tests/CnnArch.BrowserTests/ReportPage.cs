using Xunit;
using PuppeteerSharp;

namespace CnnArch.BrowserTests;

/// <summary>An HTML report opened in the browser, with every console error and page error it raised.</summary>
internal sealed class ReportPage : IAsyncDisposable
{
    private readonly string _file;

    private ReportPage(IPage page, string file, List<string> errors)
    {
        Page = page;
        _file = file;
        Errors = errors;
    }

    public IPage Page { get; }

    /// <summary>Console errors, uncaught exceptions and failed requests.</summary>
    public List<string> Errors { get; }

    public static async Task<ReportPage> OpenAsync(BrowserFixture fixture, string html, string name)
    {
        if (fixture.Browser is null)
        {
            if (BrowserFixture.Required)
            {
                throw new InvalidOperationException($"CNNARCH_REQUIRE_BROWSER=1 but there is no browser at {BrowserFixture.ExecutablePath}: install Debian's chromium (apt-get install -y chromium).");
            }

            Skip.If(true, $"No Chromium at {BrowserFixture.ExecutablePath}: browser tests skipped (apt-get install -y chromium, or set CNNARCH_CHROMIUM).");
        }

        var file = Path.Combine(Path.GetTempPath(), $"cnnarch-{name}-{Guid.NewGuid():N}.html");
        await File.WriteAllTextAsync(file, html);
        var page = await fixture.Browser!.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, e) =>
        {
            if (e.Message.Type == ConsoleType.Error)
            {
                errors.Add("console: " + e.Message.Text);
            }
        };
        page.PageError += (_, e) => errors.Add("page error: " + e.Message);
        page.RequestFailed += (_, e) => errors.Add("request failed: " + e.Request.Url);
        page.Request += (_, e) =>
        {
            if (!e.Request.Url.StartsWith("file:", StringComparison.Ordinal) && !e.Request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                errors.Add("network request: " + e.Request.Url);
            }
        };
        await page.GoToAsync("file://" + file, new NavigationOptions { Timeout = 120_000 });
        await page.WaitForSelectorAsync("body[data-ready=true]", new WaitForSelectorOptions { Timeout = 120_000 });
        return new ReportPage(page, file, errors);
    }

    public Task<T> Eval<T>(string script) => Page.EvaluateExpressionAsync<T>(script);

    public async ValueTask DisposeAsync()
    {
        await Page.CloseAsync();
        File.Delete(_file);
    }
}
