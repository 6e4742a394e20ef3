using Fiqa.Imaging;

namespace Fiqa.Quality.Measures;

/// <summary>ISO/IEC 29794-5 BackgroundUniformity: mean gradient magnitude of the background.</summary>
public sealed class BackgroundUniformity : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("BackgroundUniformity", "character",
        "mean Sobel gradient magnitude of portrait luminance over the background", MeasureNeeds.Landmarks,
        MappingTable.Default.Measure("BackgroundUniformity"),
        "Background = portrait pixels from inside the image, outside the face outline grown 1.6× (head and hair), above the chin (OFIQ: parsing class background).");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face)
    {
        var lm = face.Portrait.Landmarks;
        var outline = FaceContext.FaceOutline(lm);
        var centre = outline.Aggregate(System.Numerics.Vector2.Zero, (s, p) => s + p) / outline.Length;
        // Grow about a centre raised towards the crown so the hair falls inside the head region.
        centre.Y -= 0.25f * (lm[8].Y - centre.Y);
        var head = PolygonMask.Fill(outline.Select(p => centre + (p - centre) * 1.6f).ToArray(), FaceContext.PortraitSize, FaceContext.PortraitSize);
        var inside = face.Portrait.Inside;
        float chin = lm[8].Y;
        var grad = Filters.SobelMagnitude(face.PortraitLuminance).Values;
        double sum = 0;
        long n = 0;
        for (int y = 0; y < (int)chin && y < FaceContext.PortraitSize; y++)
            for (int x = 0; x < FaceContext.PortraitSize; x++)
            {
                int i = y * FaceContext.PortraitSize + x;
                if (!inside[i] || head[i]) continue;
                sum += grad[i];
                n++;
            }
        return n < 100 ? MeasureResult.Failure("too little background visible around the head") : Descriptor.Result(sum / n);
    }
}
