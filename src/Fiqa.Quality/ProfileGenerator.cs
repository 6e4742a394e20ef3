using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Fiqa.Quality;

/// <summary>What <see cref="ProfileGenerator"/> makes.</summary>
public sealed record ProfileGeneratorOptions
{
    /// <summary>Profile name.</summary>
    public string Name { get; init; } = "calibrated";

    /// <summary>Each requirement rejects about this percentage (0..50) of the reference population on its component.</summary>
    public double RejectPercentile { get; init; } = 5;

    /// <summary>Components to set requirements on; null: every component the population has values for (UnifiedQualityScore
    /// is left to <see cref="UnifiedThreshold"/> when one is given).</summary>
    public IReadOnlyList<string>? Components { get; init; }

    /// <summary>A calibrated unified threshold to carry (<c>fiqa calibrate threshold</c>).</summary>
    public UnifiedThreshold? UnifiedThreshold { get; init; }
}

/// <summary>Turns population percentiles into a verdict profile with requirements in raw units. For each component the
/// limit is where its 0..100 mapping puts the worst <c>p</c> % of the population: a mapping that rises with the native
/// value gives <c>min</c> = the p-th raw percentile; one that falls gives <c>max</c> = the (100 − p)-th; a mapping that
/// rises then falls (pose angles, exposure) gives <c>min</c> and <c>max</c> spanning the faces whose mapped value is at
/// least its p-th percentile. Every requirement carries the population, counts and date that justify it.</summary>
public static class ProfileGenerator
{
    /// <summary>The profile, and per component why none was set (no values, no spread).</summary>
    public static (VerdictProfile Profile, IReadOnlyList<string> Skipped) Generate(PopulationPercentiles population, ProfileGeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(options);
        if (options.RejectPercentile is <= 0 or > 50)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"the reject percentile must be in (0, 50], got {options.RejectPercentile}"));
        var pop = population.Population;
        var columns = population.Columns().Where(c => c.Kind == "component").ToDictionary(c => c.Name, StringComparer.Ordinal);
        var wanted = options.Components?.Select(c => MeasureCatalogue.Find(c).Descriptor.Name).Distinct().ToList()
            ?? MeasureCatalogue.All.Select(d => d.Name).Where(columns.ContainsKey)
                .Where(id => options.UnifiedThreshold is null || id != "UnifiedQualityScore").ToList();
        double p = options.RejectPercentile / 100;
        string pk = PopulationPercentiles.Key(options.RejectPercentile);
        var requirements = new List<ProfileRequirement>();
        var skipped = new List<string>();
        foreach (var id in wanted)
        {
            if (!columns.TryGetValue(id, out var column) || column.Raw.Count == 0)
            {
                skipped.Add($"{id}: no assessed values in the population");
                continue;
            }
            var entry = MeasureCatalogue.Find(id);
            var mapping = entry.Descriptor.Mapping;
            var raw = column.Raw;
            var mapped = raw.Select(mapping.Map).ToArray();
            int rising = 0, falling = 0;
            for (int i = 1; i < raw.Count; i++)
            {
                if (mapped[i] > mapped[i - 1] + 1e-12) rising++;
                else if (mapped[i] < mapped[i - 1] - 1e-12) falling++;
            }
            if (raw[0] == raw[^1] || (rising == 0 && falling == 0))
            {
                skipped.Add($"{id}: every face has the same {(raw[0] == raw[^1] ? "native value" : "mapped value")}, no percentile separates them");
                continue;
            }
            var basis = new CalibrationBasis
            {
                Percentile = options.RejectPercentile, Population = pop.Population, Images = pop.Images, Identities = pop.Identities, Values = raw.Count, Date = pop.Date,
            };
            var r = new ProfileRequirement { Code = "calibrated." + id, Measure = id, Quantity = id, Unit = "native", Low = entry.LowMeans };
            if (falling == 0)
                r = r with { Min = column.RawPercentile(options.RejectPercentile), Basis = basis with { Rule = $"P{pk} of the native values (the mapping rises with the value)" } };
            else if (rising == 0)
                r = r with { Max = column.RawPercentile(100 - options.RejectPercentile), High = entry.LowMeans, Basis = basis with { Rule = $"P{PopulationPercentiles.Key(100 - options.RejectPercentile)} of the native values (the mapping falls with the value)" } };
            else
            {
                double cut = RankStatistics.QuantileOfSorted(mapped.Order().ToArray(), p);
                var kept = raw.Where((_, i) => mapped[i] >= cut).ToArray();
                r = r with { Min = kept.Min(), Max = kept.Max(), High = entry.LowMeans, Basis = basis with { Rule = $"range of the native values whose mapped quality is at least its P{pk} (the mapping peaks inside the range)" } };
            }
            // Limits are population values (or interpolations between two), unrounded: a rounded limit could move across a
            // face's value and change what the profile rejects on its own population.
            requirements.Add(r with { Clause = $"calibrated: {r.Basis!.Rule}, {raw.Count} faces of {pop.Population}, {pop.Date}" });
        }
        var profile = new VerdictProfile
        {
            Name = options.Name,
            Description = string.Create(CultureInfo.InvariantCulture, $"Generated by fiqa calibrate percentiles: each requirement rejects about {options.RejectPercentile:G}% of the reference population on its component."),
            Sources = $"population percentiles of {pop.Population} ({pop.Date}); ISO/IEC 25722-style percentile tables",
            Requirements = requirements,
            Calibration = pop,
            UnifiedThreshold = options.UnifiedThreshold,
        };
        return (profile, skipped);
    }


    /// <summary>The profile as the JSON file <see cref="VerdictProfile.Load"/> reads (snake_case, nulls left out).</summary>
    public static string ToJson(VerdictProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var options = new JsonSerializerOptions(ProfileJsonContext.Default.Options)
        {
            WriteIndented = true,
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        return JsonSerializer.Serialize(profile, options.GetTypeInfo(typeof(VerdictProfile))) + "\n";
    }

    /// <summary>Share of <paramref name="faces"/> that pass <paramref name="profile"/> (how much of its own population the
    /// profile rejects, all requirements together).</summary>
    public static double PassRate(VerdictProfile profile, IReadOnlyList<IReadOnlyDictionary<string, MeasureResult>> faces)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(faces);
        return faces.Count == 0 ? double.NaN : faces.Count(f => profile.Judge(f).Pass) / (double)faces.Count;
    }
}
