using Fiqa.Face;
using Fiqa.Imaging;

namespace Fiqa.Server.Endpoints;

/// <summary><c>POST /v1/compare</c>: the primary faces of parts <c>a</c> and <c>b</c> compared, answered with the record
/// <c>fiqa compare</c> prints (<see cref="FaceComparison.ToJsonLine"/>); its schema is generated from <see cref="FaceComparison"/>.</summary>
internal static class CompareEndpoints
{
    public static RouteGroupBuilder MapCompareEndpoints(this RouteGroupBuilder g)
    {
        g.MapPost("/compare", CompareAsync).WithTags("recognition").DisableAntiforgery()
            .WithSummary("Cosine similarity of the primary faces of parts 'a' and 'b', and the match decision (as `fiqa compare`).")
            .Accepts<IFormFile>("multipart/form-data").Produces<FaceComparison>(200, Api.NdJsonType).ProducesUploadErrors();
        return g;
    }

    private static async Task<IResult> CompareAsync(HttpContext ctx, AssessorPool pool, WorkGate gate, ServerOptions options, float? threshold)
    {
        var deadline = GatedWork.Deadline(options);
        float t = threshold ?? Verification.DefaultThreshold;
        if (Verification.ThresholdProblem(t) is { } problem) return Api.Error(400, $"threshold: {problem}");
        var (files, error) = await Uploads.ReadAsync(ctx.Request, options, 2).ConfigureAwait(false);
        if (error is not null) return error;
        var a = files!.FirstOrDefault(f => f.Field == "a");
        var b = files!.FirstOrDefault(f => f.Field == "b");
        if (a is null || b is null) return Api.Error(400, $"{(a is null ? "a" : "b")}: missing file part; send the two photos as file parts named 'a' and 'b'");
        return await GatedWork.RunAsync(ctx, gate, pool, deadline, () =>
        {
            var analyses = new List<FileAnalysis>();
            foreach (var f in new[] { a, b })
            {
                RgbImage image;
                try
                {
                    image = ImageDecoder.Decode(f.Bytes, options.Decode);
                }
                catch (ImageDecodeException e)
                {
                    return Api.Error(422, $"{f.Field} ({f.Label}): {e.Message}");
                }
                var analysis = FileAnalysis.Run(pool.Comparer, f.Label, image);
                if (analysis.Status != FileStatus.Ok)
                    return Api.Error(422, $"{f.Field} ({f.Label}): {(analysis.Status == FileStatus.NoFace ? "no face found" : analysis.Error)}");
                analyses.Add(analysis);
            }
            return Api.Lines([FaceComparison.Of(analyses[0].Faces[0].Embedding!, analyses[1].Faces[0].Embedding!, t).ToJsonLine()]);
        }).ConfigureAwait(false);
    }
}
