using Fiqa.Face.Models;

namespace Fiqa.Quality.Unified;

/// <summary>Loads a file made for one embedder (a trained head, a calibration): a missing or unreadable file, or one made
/// for a different embedder model, becomes a <see cref="ModelConfigurationException"/> that says how to make the right one.</summary>
internal static class EmbedderBoundFile
{
    /// <param name="face">The face whose analyzer options name the models folder and embedder.</param>
    /// <param name="path">The file, or null for <paramref name="defaultFileName"/> in the models folder.</param>
    /// <param name="defaultFileName">The file's name in the models folder when no path is given.</param>
    /// <param name="load">Reads the file (throws FileNotFoundException or InvalidDataException).</param>
    /// <param name="recordedSha256">The embedder SHA-256 recorded in the file (null: not recorded).</param>
    /// <param name="made">"trained" or "calibrated", for the mismatch message.</param>
    /// <param name="missingHint">Appended when the file cannot be read.</param>
    /// <param name="mismatchHint">Appended when the file was made for another embedder.</param>
    public static (T File, ModelManifest Embedder) Load<T>(FaceContext face, string? path, string defaultFileName, Func<string, T> load,
        Func<T, string?> recordedSha256, string made, string missingHint, string mismatchHint)
    {
        var options = face.AnalyzerOptions;
        var store = ModelStore.Locate(options.ModelsDirectory);
        path ??= Path.Combine(store.Directory, defaultFileName);
        T file;
        try
        {
            file = load(path);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            throw new ModelConfigurationException($"{e.Message}. {missingHint}", e);
        }
        var manifest = store.Get(options.Embedder);
        if (recordedSha256(file) is { } recorded && manifest.Sha256 is { } sha && !string.Equals(recorded, sha, StringComparison.OrdinalIgnoreCase))
            throw new ModelConfigurationException($"{path} was {made} on embedder {recorded[..12]}…, but '{options.Embedder}' is {sha[..12]}…; {mismatchHint}");
        return (file, manifest);
    }
}
