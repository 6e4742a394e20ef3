using Fiqa.Onnx;

namespace Fiqa.Quality.Unified;

/// <summary>Loads a file made for one embedder (a trained head, a calibration): a missing or unreadable file, or one made
/// for a different embedder model, becomes a <see cref="ModelConfigurationException"/> that says how to make the right one.</summary>
internal static class EmbedderBoundFile
{
    /// <param name="settings">The models folder and the embedder.</param>
    /// <param name="path">The file, or null for <paramref name="defaultFileName"/> in the models folder.</param>
    /// <param name="defaultFileName">The file's name in the models folder when no path is given.</param>
    /// <param name="load">Reads the file (throws FileNotFoundException or InvalidDataException).</param>
    /// <param name="recordedSha256">The embedder SHA-256 recorded in the file (null: not recorded).</param>
    /// <param name="made">"trained" or "calibrated", for the mismatch message.</param>
    /// <param name="missingHint">Appended when the file cannot be read.</param>
    /// <param name="mismatchHint">Appended when the file was made for another embedder.</param>
    public static T Load<T>(QualitySettings settings, string? path, string defaultFileName, Func<string, T> load,
        Func<T, string?> recordedSha256, string made, string missingHint, string mismatchHint)
    {
        // The embedder first: without the models at all, installing them is the first thing to do.
        var manifest = settings.Embedder;
        path ??= settings.ModelsFile(defaultFileName);
        T file;
        try
        {
            file = load(path);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            throw new ModelConfigurationException($"{e.Message}. {missingHint}", e);
        }
        if (recordedSha256(file) is { } recorded && manifest.Sha256 is { } sha && !string.Equals(recorded, sha, StringComparison.OrdinalIgnoreCase))
            throw new ModelConfigurationException($"{path} was {made} on embedder {recorded[..12]}…, but '{settings.EmbedderModel}' is {sha[..12]}…; {mismatchHint}");
        return file;
    }
}
