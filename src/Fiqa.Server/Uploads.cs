using Microsoft.AspNetCore.Http.Features;

namespace Fiqa.Server;

/// <summary>One uploaded image: its label (the part's file name, as <c>fiqa assess</c> prints a path), form field and bytes.</summary>
internal sealed record Upload(string Label, string Field, byte[] Bytes);

/// <summary>Reads the images of a request — multipart parts, or the raw body — within the body limit; answers 413 for
/// a body over it and 415 for a media type that carries no image.</summary>
internal static class Uploads
{
    public static readonly string[] RawTypes = ["image/jpeg", "image/png", "image/webp", "image/gif", "image/bmp", "image/avif", "image/tiff", "application/octet-stream"];

    /// <summary>Declares the answers of an endpoint that reads images with <see cref="ReadAsync"/>: 400 (a part or field),
    /// 413 (body limit), 415 (media type), 422 (an unusable image), 429 (queue full), 503 (models, deadline), all with the
    /// error body <see cref="ApiError"/>.</summary>
    public static RouteHandlerBuilder ProducesUploadErrors(this RouteHandlerBuilder endpoint) =>
        endpoint.Produces<ApiError>(400).Produces<ApiError>(413).Produces<ApiError>(415).Produces<ApiError>(422).Produces<ApiError>(429).Produces<ApiError>(503);

    public static async Task<(IReadOnlyList<Upload>? Files, IResult? Error)> ReadAsync(HttpRequest request, ServerOptions options, int maxFiles)
    {
        if (request.ContentLength > options.MaxBodyBytes) return (null, TooLarge(options));
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = options.MaxBodyBytes;
        var type = request.ContentType;
        try
        {
            if (request.HasFormContentType)
            {
                if (!type!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
                    return (null, Unsupported(type));
                var form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = options.MaxBodyBytes, ValueCountLimit = 64 }, request.HttpContext.RequestAborted).ConfigureAwait(false);
                if (form.Files.Count == 0) return (null, Api.Error(400, "body: no file part in the multipart body; send the image as a file part (e.g. curl -F image=@photo.jpg)"));
                if (form.Files.Count > maxFiles) return (null, Api.Error(400, $"body: {form.Files.Count} file parts; the limit is {maxFiles} per request"));
                var files = new List<Upload>(form.Files.Count);
                foreach (var f in form.Files)
                {
                    using var ms = new MemoryStream((int)Math.Min(f.Length, int.MaxValue));
                    await f.CopyToAsync(ms, request.HttpContext.RequestAborted).ConfigureAwait(false);
                    files.Add(new Upload(string.IsNullOrEmpty(f.FileName) ? f.Name : f.FileName, f.Name, ms.ToArray()));
                }
                return (files, null);
            }
            var media = type?.Split(';')[0].Trim();
            if (media is null || !RawTypes.Contains(media, StringComparer.OrdinalIgnoreCase)) return (null, Unsupported(type));
            var body = await ReadCapped(request.Body, options.MaxBodyBytes, request.HttpContext.RequestAborted).ConfigureAwait(false);
            if (body is null) return (null, TooLarge(options));
            if (body.Length == 0) return (null, Api.Error(400, "body: empty; send the image bytes"));
            var name = request.Query["name"].FirstOrDefault();
            return ([new Upload(string.IsNullOrEmpty(name) ? "(body)" : name, "body", body)], null);
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            return (null, TooLarge(options));
        }
        catch (BadHttpRequestException e)
        {
            return (null, e.StatusCode == StatusCodes.Status413PayloadTooLarge ? TooLarge(options) : Api.Error(e.StatusCode, $"body: {e.Message}"));
        }
        catch (InvalidDataException e)
        {
            // A multipart body the form reader cannot split (no boundary, broken part headers): the client's fault, not a 500.
            return (null, Api.Error(400, $"body: not a readable multipart body: {e.Message}"));
        }
        catch (IOException) when (!request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The framework's text here ("may have already been read by another component") misleads: say what happened.
            return (null, Api.Error(400, "body: ended before it was complete (a multipart body needs its closing boundary)"));
        }
    }

    private static async Task<byte[]?> ReadCapped(Stream body, long max, CancellationToken cancel)
    {
        using var ms = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = await body.ReadAsync(buffer, cancel).ConfigureAwait(false)) > 0)
        {
            if (ms.Length + n > max) return null;
            ms.Write(buffer, 0, n);
        }
        return ms.ToArray();
    }

    private static Api.ErrorHttpResult TooLarge(ServerOptions o) => Api.Error(413, $"request body over the limit of {o.MaxBodyBytes} bytes (Fiqa:MaxBodyBytes, fiqa serve --max-bytes)");

    private static Api.ErrorHttpResult Unsupported(string? type) => Api.Error(415,
        $"unsupported media type '{type ?? "(none)"}': send multipart/form-data with image parts, or the image itself as {string.Join(", ", RawTypes)}");
}
