namespace Fiqa.Quality.Measures;

// Geometric components (OFIQ v1.0.3 InterEyeDistance.cpp, HeadSize.cpp, CropOfTheFaceImage.cpp): distances from
// landmarks in original-image pixels. OFIQ uses ADNet's 98 points; we use the equivalent 68-point positions.
// IED = distance between the eye centres; T = distance from the eye midpoint to the chin (landmark 8).

/// <summary>ISO/IEC 29794-5 InterEyeDistance: IED corrected for yaw.</summary>
public sealed class InterEyeDistance : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("InterEyeDistance", "character",
        "IED / cos(yaw), original-image pixels", MeasureNeeds.Landmarks | MeasureNeeds.Pose, new SigmoidMapping(70, 20),
        "Eye centres = means of the 68-point eye contours; yaw from the pose model.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face)
    {
        double cos = Math.Cos(face.Pose.Yaw * Math.PI / 180);
        if (cos < 0.05) return MeasureResult.Failure("yaw too large to correct the inter-eye distance");
        return Descriptor.Result(face.Landmarks.InterEyeDistance / cos);
    }
}

/// <summary>ISO/IEC 29794-5 HeadSize: face height relative to the image height.</summary>
public sealed class HeadSize : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("HeadSize", "character",
        "T / image height", MeasureNeeds.Landmarks,
        new FormulaMapping("200·(1 − σ(|x − 0.45|; 0, 0.05))", x => 200 * (1 - QualityMapping.Sigmoid(Math.Abs(x - 0.45), 0, 0.05))),
        "As OFIQ; note OFIQ issues #60/#76: the ideal 0.45 conflicts with the margin components for some layouts.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) => Descriptor.Result(face.EyeToChin / face.Image.Height);
}

/// <summary>ISO/IEC 29794-5 LeftwardCropOfTheFaceImage: room left of the subject's right eye (image left).</summary>
public sealed class LeftwardCropOfTheFaceImage : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("LeftwardCropOfTheFaceImage", "character",
        "x of the image-left eye centre / IED", MeasureNeeds.Landmarks, new SigmoidMapping(0.9, 0.1), "As OFIQ.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) =>
        Descriptor.Result(face.Landmarks.ImageLeftEyeCenter.X / face.Landmarks.InterEyeDistance);
}

/// <summary>ISO/IEC 29794-5 RightwardCropOfTheFaceImage: room right of the subject's left eye (image right).</summary>
public sealed class RightwardCropOfTheFaceImage : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("RightwardCropOfTheFaceImage", "character",
        "(image width − x of the image-right eye centre) / IED", MeasureNeeds.Landmarks, new SigmoidMapping(0.9, 0.1), "As OFIQ.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) =>
        Descriptor.Result((face.Image.Width - face.Landmarks.ImageRightEyeCenter.X) / face.Landmarks.InterEyeDistance);
}

/// <summary>ISO/IEC 29794-5 MarginAboveOfTheFaceImage: room above the eyes, in face heights.</summary>
public sealed class MarginAboveOfTheFaceImage : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("MarginAboveOfTheFaceImage", "character",
        "y of the eye midpoint / T", MeasureNeeds.Landmarks, new SigmoidMapping(1.4, 0.1), "As OFIQ.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) => Descriptor.Result(face.EyeMidpoint.Y / face.EyeToChin);
}

/// <summary>ISO/IEC 29794-5 MarginBelowOfTheFaceImage: room below the eyes, in face heights.</summary>
public sealed class MarginBelowOfTheFaceImage : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("MarginBelowOfTheFaceImage", "character",
        "(image height − y of the eye midpoint) / T", MeasureNeeds.Landmarks, new SigmoidMapping(1.8, 0.1), "As OFIQ.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) => Descriptor.Result((face.Image.Height - face.EyeMidpoint.Y) / face.EyeToChin);
}

/// <summary>ISO/IEC 29794-5 SingleFacePresent: how much a second face competes with the first.</summary>
public sealed class SingleFacePresent : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("SingleFacePresent", "character",
        "0 with one face, else area of the second-largest box / area of the largest", MeasureNeeds.AllFaces,
        new FormulaMapping("100·(1 − x)", x => 100 * (1 - x)), "As OFIQ, with our detector's boxes.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face)
    {
        var faces = face.AllFaces;
        return Descriptor.Result(faces.Count < 2 ? 0 : faces[1].Box.Area / faces[0].Box.Area);
    }
}
