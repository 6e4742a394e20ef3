using System.Net;
using System.Net.Http.Headers;
using Fiqa.Tests;

namespace Fiqa.Server.Tests;

public class LimitTests
{
    private static ByteArrayContent Jpeg(string path)
    {
        var content = new ByteArrayContent(File.ReadAllBytes(path));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return content;
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413_RawAndMultipart()
    {
        await using var factory = new ServerFactory(new() { ["Fiqa:MaxBodyBytes"] = "20000" });
        var client = factory.CreateClient();
        var path = TestData.File("fixtures/astronaut.jpg");
        Assert.True(new FileInfo(path).Length > 20000);
        using var raw = await client.PostAsync("/v1/assess", Jpeg(path));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, raw.StatusCode);
        Assert.Contains("20000 bytes", await raw.Content.ReadAsStringAsync());
        using var form = new MultipartFormDataContent { { Jpeg(path), "image", "a.jpg" } };
        using var multi = await client.PostAsync("/v1/assess", form);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, multi.StatusCode);
    }

    [Fact]
    public async Task BeyondConcurrencyAndQueue_Is429WithRetryAfter_AndNothingElseFails()
    {
        await using var factory = new ServerFactory(new() { ["Fiqa:MaxConcurrency"] = "1", ["Fiqa:QueueLimit"] = "1" });
        var client = await factory.ReadyClientAsync();
        var bytes = File.ReadAllBytes(TestData.File("fixtures/astronaut.jpg"));
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            var r = await client.PostAsync("/v1/assess", content);
            return (r.StatusCode, RetryAfter: r.Headers.RetryAfter?.Delta);
        }));
        var codes = responses.Select(r => (int)r.StatusCode).ToList();
        Assert.All(codes, c => Assert.True(c is 200 or 429, $"status {c}"));
        // One computing and one queued are always admitted; eight at once cannot all be.
        Assert.True(codes.Count(c => c == 200) >= 2, string.Join(",", codes));
        Assert.Contains(429, codes);
        Assert.All(responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests), r => Assert.True(r.RetryAfter >= TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void OffLoopback_WithoutApiKey_RefusesToStart_BeforeBinding()
    {
        var e = Assert.Throws<InvalidOperationException>(() => FiqaServer.Build(["--urls", "http://0.0.0.0:18080"]));
        Assert.Contains("refusing to listen on http://0.0.0.0:18080", e.Message);
        Assert.Contains("--api-key", e.Message);
        var c = Assert.Throws<InvalidOperationException>(() => FiqaServer.Build(["--urls", "http://127.0.0.1:18080", "--Fiqa:MaxConcurrency=0"]));
        Assert.Contains("MaxConcurrency", c.Message);
        // With a key it builds (and is not started here).
        Assert.NotNull(FiqaServer.Build(["--urls", "http://0.0.0.0:18080", "--Fiqa:ApiKey=k"]));
    }

    [Fact]
    public async Task WithApiKey_V1NeedsTheHeader_ProbesDoNot()
    {
        await using var factory = new ServerFactory(new() { ["urls"] = "http://0.0.0.0:18080", ["Fiqa:ApiKey"] = "s3cret" });
        var client = factory.CreateClient();
        using var none = await client.GetAsync("/v1/measures");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/v1/measures") { Headers = { { "X-Api-Key", "guess" } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrong)).StatusCode);
        using var right = new HttpRequestMessage(HttpMethod.Get, "/v1/measures") { Headers = { { "X-Api-Key", "s3cret" } } };
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(right)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://localhost:8080", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://+:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://192.0.2.7:8080", false)]
    public void Loopback_IsRecognised(string url, bool loopback) => Assert.Equal(loopback, FiqaServer.IsLoopbackOnly([url], out _));
}
