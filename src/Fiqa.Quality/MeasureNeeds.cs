namespace Fiqa.Quality;

/// <summary>What a measure needs from the per-image context; only the models these imply are loaded.</summary>
[Flags]
public enum MeasureNeeds
{
    /// <summary>The decoded image only.</summary>
    Image = 0,
    /// <summary>68 landmarks (and the canonical portrait derived from them).</summary>
    Landmarks = 1,
    /// <summary>Every face in the image.</summary>
    AllFaces = 2,
    /// <summary>The identity embedding.</summary>
    Embedding = 4 | Landmarks,
    /// <summary>Head pose (with the landmarks it reads: <see cref="Fiqa.Face.HeadPoseFusion"/>).</summary>
    Pose = 8 | Landmarks,
    /// <summary>Eye-state model.</summary>
    Eyes = 16 | Landmarks,
    /// <summary>Liveness model.</summary>
    Liveness = 32,
    /// <summary>Expression model (on the landmarks' square, steadier than the detector box).</summary>
    Expression = 64 | Landmarks,
}
