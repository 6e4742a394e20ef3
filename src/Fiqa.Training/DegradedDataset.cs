using System.Security.Cryptography;
using System.Text;
using Fiqa.Evaluation;
using Fiqa.Imaging;

namespace Fiqa.Training;

/// <summary>One planned image: a dataset sample as it is (<see cref="Kind"/> null) or degraded at a level.</summary>
/// <param name="Source">The original sample.</param>
/// <param name="Kind">The degradation, or null for the original.</param>
/// <param name="Level">Severity 1..<see cref="Degradation.MaxLevel"/> (0 for the original).</param>
/// <param name="Seed">The sample's own seed (derived from the plan's seed and the sample, not from its position).</param>
public sealed record DegradedSample(DatasetSample Source, DegradationKind? Kind, int Level, int Seed)
{
    /// <summary>"identity/path/stem__kindL" (the original keeps its id).</summary>
    public string Id => Kind is null ? Source.Id : $"{Path.ChangeExtension(Source.Id, null)}__{Degradation.Name(Kind.Value)}{Level}";

    /// <summary>The identity label.</summary>
    public string Identity => Source.Identity;

    /// <summary>Decodes the source and applies the degradation.</summary>
    public RgbImage Render(DecodeOptions decode)
    {
        var image = ImageDecoder.Decode(Source.Path, decode);
        return Kind is null ? image : Degradation.Apply(image, Kind.Value, Level, Seed);
    }
}

/// <summary>The seeded degradation generator over identity folders: every sample as it is plus every requested
/// kind × level. Each image's seed is derived from the plan seed and the image's id, so a sample renders the same
/// bytes whatever else is in the plan and however many threads render it.</summary>
public static class DegradedDataset
{
    /// <summary>The plan, ordered by source sample, then original, then kind and level.</summary>
    public static IReadOnlyList<DegradedSample> Plan(IReadOnlyList<DatasetSample> sources, IReadOnlyList<DegradationKind> kinds,
        IReadOnlyList<int> levels, int seed, bool includeOriginals = true)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(levels);
        foreach (var level in levels)
            if (level is < 1 or > Degradation.MaxLevel) throw new ArgumentException($"degradation level {level} is outside 1..{Degradation.MaxLevel}");
        var plan = new List<DegradedSample>();
        foreach (var source in sources)
        {
            if (includeOriginals) plan.Add(new DegradedSample(source, null, 0, 0));
            foreach (var kind in kinds)
                foreach (var level in levels)
                    plan.Add(new DegradedSample(source, kind, level, SampleSeed(seed, $"{source.Id}|{Degradation.Name(kind)}|{level}")));
        }
        return plan;
    }

    /// <summary>Writes the plan under <paramref name="outputRoot"/> as identity folders (originals copied byte for
    /// byte, degraded images as PNG) plus <c>manifest.csv</c>; returns (written, failed) with a message per failure.</summary>
    public static (int Written, List<string> Failures) Write(IReadOnlyList<DegradedSample> plan, string outputRoot, DecodeOptions decode, int threads)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Directory.CreateDirectory(outputRoot);
        var outcome = new string?[plan.Count];
        Parallel.For(0, plan.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, i =>
        {
            var s = plan[i];
            var target = Path.Combine(outputRoot, s.Kind is null ? s.Id : s.Id + ".png");
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                if (s.Kind is null) File.Copy(s.Source.Path, target, overwrite: true);
                else File.WriteAllBytes(target, ImageEncoder.Png(s.Render(decode)));
            }
            catch (Exception e) when (e is ImageDecodeException or IOException or UnauthorizedAccessException)
            {
                outcome[i] = $"{s.Source.Path}: {e.Message}";
            }
        });
        using (var manifest = CsvWriter.Create(Path.Combine(outputRoot, "manifest.csv")))
        {
            manifest.Write("sample", "identity", "source", "degradation", "level", "parameter");
            for (int i = 0; i < plan.Count; i++)
            {
                if (outcome[i] is not null) continue;
                var s = plan[i];
                manifest.Write(s.Kind is null ? s.Id : s.Id + ".png", s.Identity, s.Source.Id, s.Kind is null ? "none" : Degradation.Name(s.Kind.Value),
                    s.Level.ToString(System.Globalization.CultureInfo.InvariantCulture), s.Kind is null ? "" : Degradation.Parameter(s.Kind.Value, s.Level));
            }
        }
        var failures = outcome.OfType<string>().ToList();
        return (plan.Count - failures.Count, failures);
    }

    /// <summary>A 31-bit seed from the plan seed and a key (SHA-256, so it is stable across runtimes).</summary>
    public static int SampleSeed(int seed, string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}|{key}"));
        return (int)(BitConverter.ToUInt32(hash, 0) & 0x7fffffff);
    }
}
