using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Fiqa.Iqa;
using Fiqa.Iqa.Metrics;
using Fiqa.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace Fiqa.Server.Tests;

/// <summary>The IQA metrics belong to the service that loaded them: each service scores with metrics loaded from its own
/// models folder, and stopping its host frees them.</summary>
public class IqaMetricPoolTests
{
    private static MultipartFormDataContent Pair(string image, string reference)
    {
        var form = new MultipartFormDataContent();
        foreach (var (field, path) in new[] { ("image", image), ("reference", reference) })
        {
            var part = new ByteArrayContent(File.ReadAllBytes(path));
            part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(part, field, Path.GetFileName(path));
        }
        return form;
    }

    [Fact]
    public async Task TwoServicesInOneProcess_ScoreWithTheirOwnModels_AndStoppingAHostFreesItsMetrics()
    {
        var image = TestData.File("fixtures/astronaut_grey.jpg");
        var reference = TestData.File("fixtures/astronaut.jpg");
        var noModels = TestData.TempDirectory();
        var installed = new ServerFactory();
        try
        {
            var client = await installed.ReadyClientAsync();
            using var scored = await client.PostAsync("/v1/iqa?metric=deepwsd_fr,psnr", Pair(image, reference));
            Assert.Equal(HttpStatusCode.OK, scored.StatusCode);
            var lines = (await scored.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var deepWsd = JsonDocument.Parse(lines[0]).RootElement;
            Assert.Equal("deepwsd_fr", deepWsd.GetProperty("metric").GetString());
            // Greyscale against colour: a real, positive distance (0 only for identical images).
            Assert.InRange(deepWsd.GetProperty("score").GetDouble(), 1e-3, 50);

            // A second service whose models folder is empty, started after the first loaded deepwsd_fr: it must not
            // score with the first one's metric (a process-wide cache did), so the model it lacks is a 503; metrics that
            // need no model answer as on the first service.
            await using var bare = new ServerFactory(new() { ["Fiqa:Models"] = noModels });
            var bareClient = bare.CreateClient();
            using var missing = await bareClient.PostAsync("/v1/iqa?metric=deepwsd_fr", Pair(image, reference));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, missing.StatusCode);
            Assert.Contains("could not be loaded", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            using var psnr = await bareClient.PostAsync("/v1/iqa?metric=psnr", Pair(image, reference));
            Assert.Equal(HttpStatusCode.OK, psnr.StatusCode);
            Assert.Equal(lines[1] + "\n", await psnr.Content.ReadAsStringAsync());

            var pool = installed.Services.GetRequiredService<IqaMetricPool>();
            var barePool = bare.Services.GetRequiredService<IqaMetricPool>();
            Assert.NotSame(pool, barePool);
            Assert.Equal(Path.GetFullPath(noModels), Path.GetFullPath(barePool.Paths.Models));
            Assert.NotEqual(barePool.Paths.Models, pool.Paths.Models);
            Assert.IsType<DeepWsdFr>(pool.Get(DeepWsdFr.Info));

            await installed.DisposeAsync();
            // Stopped with its host: no request can score with the freed metrics any more; the other service still works.
            // A minimal-hosting app disposes its container on the app's own thread after the factory returns, so wait for it.
            bool Refused()
            {
                try
                {
                    pool.Use(() => pool.Get(IqaCatalogue.Find("psnr")));
                    return false;
                }
                catch (ObjectDisposedException)
                {
                    return true;
                }
            }
            for (var until = DateTime.UtcNow.AddSeconds(30); !Refused() && DateTime.UtcNow < until;) await Task.Delay(50);
            Assert.True(Refused(), "the pool still lends metrics 30 s after its host was disposed");
            using var still = await bareClient.PostAsync("/v1/iqa?metric=psnr", Pair(image, reference));
            Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        }
        finally
        {
            await installed.DisposeAsync();
            Directory.Delete(noModels, recursive: true);
        }
    }
}
