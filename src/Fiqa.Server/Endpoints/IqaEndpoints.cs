using Fiqa.Imaging;
using Fiqa.Iqa;

namespace Fiqa.Server.Endpoints;

/// <summary><c>POST /v1/iqa?metric=…</c>: image quality metrics on part <c>image</c> (full-reference ones against part
/// <c>reference</c>), one line per metric as <c>fiqa iqa</c> prints (<see cref="IqaScore"/>, whose type the OpenAPI document's
/// schema is generated from). The metrics come from this service's <see cref="IqaMetricPool"/>.</summary>
internal static class IqaEndpoints
{
    public static RouteGroupBuilder MapIqaEndpoints(this RouteGroupBuilder g)
    {
        g.MapPost("/iqa", IqaAsync).WithTags("iqa").DisableAntiforgery()
            .WithSummary("Image quality metrics on part 'image' (full-reference ones against part 'reference'), one JSON line per metric (as `fiqa iqa`).")
            .Accepts<IFormFile>("multipart/form-data").Produces<IqaScore>(200, Api.NdJsonType).ProducesUploadErrors();
        return g;
    }

    private static async Task<IResult> IqaAsync(HttpContext ctx, AssessorPool pool, IqaMetricPool metrics, WorkGate gate, ServerOptions options, string? metric)
    {
        var deadline = GatedWork.Deadline(options);
        if (string.IsNullOrWhiteSpace(metric)) return Api.Error(400, $"metric: required; one or more of {string.Join(", ", IqaCatalogue.Metrics.Syntax)}");
        MetricDescriptor[] descriptors;
        try
        {
            descriptors = metric.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(IqaCatalogue.Find).ToArray();
        }
        catch (ArgumentException e)
        {
            return Api.Error(400, $"metric: {e.Message}");
        }
        var (files, error) = await Uploads.ReadAsync(ctx.Request, options, 2).ConfigureAwait(false);
        if (error is not null) return error;
        var image = files!.FirstOrDefault(f => f.Field == "image") ?? (files!.Count == 1 && files[0].Field != "reference" ? files[0] : null);
        var reference = files!.FirstOrDefault(f => f.Field == "reference");
        if (image is null) return Api.Error(400, "image: missing file part; send the image to score as a file part named 'image' (and 'reference' for full-reference metrics)");
        if (reference is null && descriptors.FirstOrDefault(d => d.Kind == MetricKind.FullReference) is { } fr)
            return Api.Error(400, $"reference: missing file part; {fr.Name} is full-reference, send the reference image as a file part named 'reference'");
        return await GatedWork.RunAsync(ctx, gate, pool, deadline, () => metrics.Use(() =>
        {
            RgbImage img;
            RgbImage? refImg;
            try
            {
                img = ImageDecoder.Decode(image.Bytes, options.Decode);
                refImg = reference is null ? null : ImageDecoder.Decode(reference.Bytes, options.Decode);
            }
            catch (ImageDecodeException e)
            {
                return Api.Error(422, e.Message);
            }
            var lines = new List<string>();
            foreach (var d in descriptors)
            {
                var m = metrics.Get(d);
                var result = m.Assess(img, refImg);
                if (result.Status != MeasureStatus.Success) return Api.Error(422, $"{d.Name}: {result.Reason}");
                lines.Add(IqaRecords.Score(d, result.RawOrNaN));
            }
            return Api.Lines(lines);
        })).ConfigureAwait(false);
    }
}
