using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Quality;
using Fiqa.Quality.Records;
using Fiqa.Quality.Reports;
using Microsoft.AspNetCore.Mvc;

namespace Fiqa.Server.Endpoints;

/// <summary><c>POST /v1/assess</c> (the records <c>fiqa assess</c> writes, byte for byte) and <c>POST /v1/annotate</c>
/// (the annotated image), with the same query options as <c>fiqa assess</c>.</summary>
internal static class QualityEndpoints
{
    public static RouteGroupBuilder MapQualityEndpoints(this RouteGroupBuilder g)
    {
        g.MapPost("/assess", AssessAsync).WithTags("quality").DisableAntiforgery()
            .WithSummary("Assess one image (raw body or one part) or a batch (several parts): exactly the JSON Lines `fiqa assess` writes.")
            .Accepts<IFormFile>("multipart/form-data", Uploads.RawTypes)
            .Produces(200, contentType: Api.NdJsonType).ProducesUploadErrors();
        g.MapPost("/annotate", AnnotateAsync).WithTags("quality").DisableAntiforgery()
            .WithSummary("The image with each face's box, landmarks, aligned crop and the regions of failed requirements (PNG).")
            .Accepts<IFormFile>("multipart/form-data", Uploads.RawTypes)
            .Produces(200, contentType: "image/png").ProducesUploadErrors();
        return g;
    }

    private static AssessQuery Query(string? measures, string? unified, string? profile, bool? allFaces, bool? autoRotate, bool? assumeUpright) =>
        new(string.IsNullOrWhiteSpace(measures) ? null : measures, string.IsNullOrWhiteSpace(unified) ? null : unified,
            string.IsNullOrWhiteSpace(profile) ? null : profile.Trim().ToLowerInvariant(), allFaces ?? false, autoRotate ?? false, assumeUpright ?? false);

    private static async Task<IResult> AssessAsync(HttpContext ctx, AssessorPool pool, WorkGate gate, ServerOptions options, ServedMethods served,
        string? measures, string? unified, string? profile, [FromQuery(Name = "all_faces")] bool? allFaces, bool? embeddings,
        [FromQuery(Name = "auto_rotate")] bool? autoRotate, [FromQuery(Name = "assume_upright")] bool? assumeUpright)
    {
        var deadline = GatedWork.Deadline(options);
        var (servedUnified, unifiedProblem) = served.Resolve(unified);
        var q = Query(measures, servedUnified, profile, allFaces, autoRotate, assumeUpright);
        if ((unifiedProblem ?? q.Problem(pool.ServedProfiles)) is { } problem) return Api.Error(400, problem);
        var (files, error) = await Uploads.ReadAsync(ctx.Request, options, options.MaxFiles).ConfigureAwait(false);
        if (error is not null) return error;
        bool withEmbedding = embeddings ?? false;
        return await GatedWork.RunAsync(ctx, gate, pool, deadline, () => WithAssessor(pool, q, assessor =>
        {
            var lines = new List<string>();
            foreach (var f in files!)
            {
                var r = assessor.Assess(f.Bytes, f.Label);
                if (r.Faces.Count > options.MaxFaces)
                    return Api.Error(422, $"{f.Label}: {r.Faces.Count} faces; the limit is {options.MaxFaces} (Fiqa:MaxFaces)");
                if (files!.Count == 1 && r.Status == FileStatus.Error) return Api.Lines(FaceJson.Records(r, withEmbedding), 422);
                lines.AddRange(FaceJson.Records(r, withEmbedding));
            }
            return Api.Lines(lines);
        })).ConfigureAwait(false);
    }

    private static async Task<IResult> AnnotateAsync(HttpContext ctx, AssessorPool pool, WorkGate gate, ServerOptions options, ServedMethods served,
        string? measures, string? unified, string? profile, [FromQuery(Name = "all_faces")] bool? allFaces,
        [FromQuery(Name = "auto_rotate")] bool? autoRotate, [FromQuery(Name = "assume_upright")] bool? assumeUpright)
    {
        var deadline = GatedWork.Deadline(options);
        var (servedUnified, unifiedProblem) = served.Resolve(unified);
        var q = Query(measures, servedUnified, profile, allFaces, autoRotate, assumeUpright);
        if ((unifiedProblem ?? q.Problem(pool.ServedProfiles)) is { } problem) return Api.Error(400, problem);
        var (files, error) = await Uploads.ReadAsync(ctx.Request, options, 1).ConfigureAwait(false);
        if (error is not null) return error;
        return await GatedWork.RunAsync(ctx, gate, pool, deadline, () => WithAssessor(pool, q, assessor =>
        {
            var f = files![0];
            RgbImage image;
            try
            {
                image = ImageDecoder.Decode(f.Bytes, options.Decode);
            }
            catch (ImageDecodeException e)
            {
                return Api.Error(422, $"{f.Label}: {e.Message}");
            }
            var r = assessor.Assess(image, f.Label);
            if (r.Faces.Count > options.MaxFaces) return Api.Error(422, $"{f.Label}: {r.Faces.Count} faces; the limit is {options.MaxFaces} (Fiqa:MaxFaces)");
            return Results.Bytes(AnnotationRenderer.Png(image, r), "image/png");
        })).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="body"/> with the query's assessor (pooled, or built for this request and disposed);
    /// unknown measures or methods are a 400.</summary>
    private static IResult WithAssessor(AssessorPool pool, AssessQuery q, Func<FaceQualityAssessor, IResult> body)
    {
        FaceQualityAssessor assessor;
        bool owned;
        try
        {
            (assessor, owned) = pool.Get(q);
        }
        catch (ArgumentException e)
        {
            return Api.Error(400, e.Message);
        }
        try
        {
            return body(assessor);
        }
        finally
        {
            if (owned) assessor.Dispose();
        }
    }
}
