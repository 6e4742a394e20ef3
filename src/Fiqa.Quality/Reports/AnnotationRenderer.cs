using Fiqa.Face;
using Fiqa.Imaging;
using SkiaSharp;

namespace Fiqa.Quality.Reports;

/// <summary>Options of <see cref="AnnotationRenderer"/>.</summary>
public sealed record AnnotationOptions
{
    /// <summary>Draw the 68 landmarks.</summary>
    public bool Landmarks { get; init; } = true;
    /// <summary>Inset the aligned crop the measures saw in the top-left corner.</summary>
    public bool AlignedCrop { get; init; } = true;
    /// <summary>Shade the regions the failed requirements are about.</summary>
    public bool FailingRegions { get; init; } = true;
    /// <summary>Longest side of the output, px; larger images are scaled down (0 = never).</summary>
    public int MaxSide { get; init; } = 1600;
}

/// <summary>Draws one file's assessment over its image: each face's box (green: passes the profile, red: fails, amber:
/// no profile), landmarks, the aligned crop and the regions the failed requirements point at. The primary face (the one
/// a file's verdict is about) has a solid box and its failing regions; the other faces of an all-faces assessment have
/// thinner dashed boxes, so a group photo shows every face and which one was judged. Shared by
/// <c>fiqa assess --annotate</c>, <c>POST /v1/annotate</c> and the web page, so all three show the same picture.</summary>
public static class AnnotationRenderer
{
    private static readonly SKColor Pass = new(0x2e, 0xcc, 0x71);
    private static readonly SKColor Fail = new(0xe7, 0x4c, 0x3c);
    private static readonly SKColor NoProfile = new(0xf3, 0x9c, 0x12);
    private static readonly SKColor Landmark = new(0x00, 0xe5, 0xff);

    /// <summary>The annotated image as PNG. <paramref name="image"/> is the decoded file as stored; it is turned upright
    /// by the assessment's rotation first, because the face coordinates refer to the upright image.</summary>
    public static byte[] Png(RgbImage image, FaceAssessment assessment, AnnotationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(assessment);
        options ??= new AnnotationOptions();
        if (assessment.Rotation != 0) image = Orientation.Apply(image, FaceAnalyzer.UprightTurn(assessment.Rotation));
        float scale = options.MaxSide > 0 && Math.Max(image.Width, image.Height) > options.MaxSide
            ? (float)options.MaxSide / Math.Max(image.Width, image.Height) : 1f;
        int w = Math.Max(1, (int)MathF.Round(image.Width * scale)), h = Math.Max(1, (int)MathF.Round(image.Height * scale));
        using var surface = SKSurface.Create(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        using (var source = ImageEncoder.ToSkImage(image))
            canvas.DrawImage(source, new SKRect(0, 0, w, h), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        canvas.Scale(scale);
        float stroke = Math.Max(2f, Math.Max(image.Width, image.Height) / 400f);
        for (int i = assessment.Faces.Count - 1; i >= 0; i--)
            DrawFace(canvas, assessment.Faces[i], primary: i == 0, image.Width, image.Height, stroke, options);
        if (options.AlignedCrop && assessment.Faces.Count > 0 && assessment.Faces[0].Face.Aligned is { } aligned)
        {
            canvas.ResetMatrix();
            float side = Math.Min(w, h) / 4f;
            var dst = new SKRect(stroke, stroke, stroke + side, stroke + side * aligned.Image.Height / aligned.Image.Width);
            using var crop = ImageEncoder.ToSkImage(aligned.Image);
            canvas.DrawImage(crop, dst, new SKSamplingOptions(SKFilterMode.Linear));
            using var border = new SKPaint { Color = SKColors.White, Style = SKPaintStyle.Stroke, StrokeWidth = Math.Max(2f, stroke * scale), IsAntialias = true };
            canvas.DrawRect(dst, border);
        }
        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static void DrawFace(SKCanvas canvas, FaceQuality quality, bool primary, int width, int height, float stroke, AnnotationOptions options)
    {
        var face = quality.Face;
        var box = face.Detection.Box;
        var colour = quality.Verdict is null ? NoProfile : quality.Verdict.Pass ? Pass : Fail;
        // Only the primary face's regions: the others' would cover it, and their reasons are in their own records.
        if (primary && options.FailingRegions && quality.Verdict is { Pass: false } verdict)
        {
            using var fill = new SKPaint { Color = Fail.WithAlpha(70), Style = SKPaintStyle.Fill, IsAntialias = true };
            using var edge = new SKPaint { Color = Fail, Style = SKPaintStyle.Stroke, StrokeWidth = stroke, IsAntialias = true, PathEffect = SKPathEffect.CreateDash([stroke * 3, stroke * 2], 0) };
            foreach (var region in verdict.Reasons.Select(r => Region(r.Measure, face, width, height)).OfType<SKRect>().Distinct())
            {
                // A region that is most of the image (background, margins of a tight crop) is outlined, not tinted.
                if (region.Width * region.Height < 0.5f * width * height) canvas.DrawRect(region, fill);
                canvas.DrawRect(region, edge);
            }
        }
        using (var dash = primary ? null : SKPathEffect.CreateDash([stroke * 4, stroke * 3], 0))
        using (var paint = new SKPaint { Color = colour, Style = SKPaintStyle.Stroke, StrokeWidth = primary ? stroke * 1.5f : stroke, IsAntialias = true, PathEffect = dash })
            canvas.DrawRect(new SKRect(box.X, box.Y, box.Right, box.Bottom), paint);
        if (options.Landmarks && face.Landmarks is { } lm)
        {
            using var dot = new SKPaint { Color = Landmark, Style = SKPaintStyle.Fill, IsAntialias = true };
            foreach (var p in lm.Points) canvas.DrawCircle(p.X, p.Y, stroke * 0.9f, dot);
        }
    }

    /// <summary>Where in the image a requirement on <paramref name="measure"/> looks: the eyes, the mouth, a margin, the
    /// background or, for the face-wide components (pose, exposure, sharpness, …), the face box.</summary>
    private static SKRect? Region(string? measure, FaceAnalysis face, int width, int height)
    {
        if (measure is null) return null;
        var b = face.Detection.Box;
        var lm = face.Landmarks;
        return measure switch
        {
            "EyesOpen" or "EyesVisible" or "InterEyeDistance" when lm is not null => Bounds(lm, 36, 12, lm.InterEyeDistance * 0.25f),
            "MouthClosed" or "MouthOcclusionPrevention" when lm is not null => Bounds(lm, 48, 20, lm.InterEyeDistance * 0.15f),
            "MarginAboveOfTheFaceImage" => new SKRect(0, 0, width, Math.Max(1, b.Y)),
            "MarginBelowOfTheFaceImage" => new SKRect(0, Math.Min(height - 1, b.Bottom), width, height),
            "LeftwardCropOfTheFaceImage" => new SKRect(0, 0, Math.Max(1, b.X), height),
            "RightwardCropOfTheFaceImage" => new SKRect(Math.Min(width - 1, b.Right), 0, width, height),
            "NoHeadCoverings" => new SKRect(b.X, Math.Max(0, b.Y - b.Height * 0.35f), b.Right, b.Y + b.Height * 0.2f),
            "BackgroundUniformity" or "SingleFacePresent" => new SKRect(0, 0, width, height),
            _ => new SKRect(b.X, b.Y, b.Right, b.Bottom),
        };
    }

    private static SKRect Bounds(FaceLandmarks lm, int first, int count, float pad)
    {
        var pts = lm.Points.Skip(first).Take(count).ToList();
        return new SKRect(pts.Min(p => p.X) - pad, pts.Min(p => p.Y) - pad, pts.Max(p => p.X) + pad, pts.Max(p => p.Y) + pad);
    }
}
