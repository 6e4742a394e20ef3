using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Fiqa.Quality;

/// <summary>The values one component or unified method took over a reference population, sorted ascending.</summary>
/// <param name="Name">Measure id or unified method name.</param>
/// <param name="Kind"><c>component</c> or <c>method</c>.</param>
/// <param name="Raw">Native values of the faces it assessed, ascending (the measure's own unit).</param>
/// <param name="Scalar">0..100 scalars of the same faces, ascending.</param>
/// <param name="Failures">Faces it could not assess.</param>
public sealed record PopulationColumn(string Name, string Kind, IReadOnlyList<double> Raw, IReadOnlyList<double> Scalar, int Failures)
{
    /// <summary>The p-th percentile (0..100) of the raw values; NaN without values.</summary>
    public double RawPercentile(double p) => RankStatistics.QuantileOfSorted(Raw, p / 100);

    /// <summary>The p-th percentile (0..100) of the scalars; NaN without values.</summary>
    public double ScalarPercentile(double p) => RankStatistics.QuantileOfSorted(Scalar, p / 100);
}

/// <summary>Population percentiles of every component (raw and scalar) and unified method over a reference set, in the
/// manner of the draft ISO/IEC 25722 percentile tables: the 1st, 5th, 10th, 25th and 50th percentiles by default, linear
/// interpolation between order statistics (Hyndman and Fan's type 7, NumPy's default). Only successful assessments
/// count; failures are counted per column. Build with <see cref="Add(FaceQuality)"/>, one face at a time (thread-safe).</summary>
public sealed class PopulationPercentiles
{
    /// <summary>The percentiles reported by default.</summary>
    public static IReadOnlyList<double> DefaultPercentiles { get; } = [1, 5, 10, 25, 50];

    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, (List<double> Raw, List<double> Scalar, int Failures, bool Method)> _columns = new(StringComparer.Ordinal);
    private readonly List<IReadOnlyDictionary<string, MeasureResult>> _faces = [];

    /// <summary>Creates an empty table.</summary>
    /// <param name="population">The population in words, with its counts and date, as profiles record it.</param>
    public PopulationPercentiles(ProfileCalibration population)
    {
        ArgumentNullException.ThrowIfNull(population);
        Population = population;
    }

    /// <summary>What the values were computed on.</summary>
    public ProfileCalibration Population { get; }

    /// <summary>Faces added.</summary>
    public int FaceCount { get { lock (_gate) return _faces.Count; } }

    /// <summary>Adds one face's components and unified scores.</summary>
    public void Add(FaceQuality face)
    {
        ArgumentNullException.ThrowIfNull(face);
        Add(face.Quality, face.UnifiedMethods);
    }

    /// <summary>Adds one face's component results (by measure id) and unified scores (by method name).</summary>
    public void Add(IReadOnlyDictionary<string, MeasureResult> quality, IReadOnlyDictionary<string, MeasureResult>? unified = null)
    {
        ArgumentNullException.ThrowIfNull(quality);
        lock (_gate)
        {
            _faces.Add(quality);
            foreach (var (id, r) in quality) Count(id, r, method: false);
            foreach (var (name, s) in unified ?? new Dictionary<string, MeasureResult>()) Count(name, s, method: true);
        }
    }

    // One result into its column: a finite value, or a failure (counted under the same key, methods' included).
    private void Count(string name, MeasureResult result, bool method)
    {
        // A method's name may equal no measure id; keys stay distinct by kind.
        var key = method ? "method:" + name : name;
        if (!_columns.TryGetValue(key, out var c)) _columns[key] = c = ([], [], 0, method);
        if (result.Status == MeasureStatus.Success && result.Raw is double raw && double.IsFinite(raw))
        {
            c.Raw.Add(raw);
            c.Scalar.Add(result.Scalar);
        }
        else _columns[key] = c with { Failures = c.Failures + 1 };
    }

    /// <summary>Every column, components first (catalogue order), then methods (by name); values sorted.</summary>
    public IReadOnlyList<PopulationColumn> Columns()
    {
        lock (_gate)
        {
            var order = MeasureCatalogue.All.Select((d, i) => (d.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
            return _columns
                .Select(kv => new PopulationColumn(kv.Value.Method ? kv.Key["method:".Length..] : kv.Key, kv.Value.Method ? "method" : "component",
                    kv.Value.Raw.Order().ToArray(), kv.Value.Scalar.Order().ToArray(), kv.Value.Failures))
                .OrderBy(c => c.Kind == "method" ? 1 : 0).ThenBy(c => order.GetValueOrDefault(c.Name, int.MaxValue)).ThenBy(c => c.Name, StringComparer.Ordinal)
                .ToList();
        }
    }

    /// <summary>The faces' component results, in the order added (for judging a generated profile on its population).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, MeasureResult>> Faces { get { lock (_gate) return _faces.ToList(); } }

    /// <summary>percentiles.json: the population, and per column its count, failures and the raw and scalar percentiles.</summary>
    public string Json(IReadOnlyList<double> percentiles)
    {
        ArgumentNullException.ThrowIfNull(percentiles);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WritePropertyName("population");
            JsonSerializer.Serialize(w, Population, ProfileJsonContext.Default.ProfileCalibration);
            w.WriteStartArray("percentiles");
            foreach (var p in percentiles) w.WriteNumberValue(p);
            w.WriteEndArray();
            w.WriteStartArray("columns");
            foreach (var c in Columns())
            {
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                w.WriteString("kind", c.Kind);
                if (c.Kind == "component") w.WriteString("native", MeasureCatalogue.Find(c.Name).Descriptor.Native);
                w.WriteNumber("values", c.Raw.Count);
                w.WriteNumber("failures", c.Failures);
                w.WriteStartObject("raw");
                foreach (var p in percentiles) Number(w, Key(p), c.RawPercentile(p));
                w.WriteEndObject();
                w.WriteStartObject("scalar");
                foreach (var p in percentiles) Number(w, Key(p), c.ScalarPercentile(p));
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>percentiles.md: one row per column, raw percentiles then scalar percentiles.</summary>
    public string Markdown(IReadOnlyList<double> percentiles)
    {
        ArgumentNullException.ThrowIfNull(percentiles);
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var pop = Population;
        sb.Append(inv, $"# Population percentiles\n\nPopulation: {pop.Population}; {pop.Images} images, {pop.Faces} with a face, {pop.Identities} identities; {pop.Date}.\n\n");
        sb.Append("Percentiles of the native value (the component's own unit; see `fiqa measures`) and of the 0..100 scalar, over the faces each was assessed on.\n\n");
        sb.Append("| name | kind | n | failed |");
        foreach (var p in percentiles) sb.Append(inv, $" raw P{Key(p)} |");
        foreach (var p in percentiles) sb.Append(inv, $" scalar P{Key(p)} |");
        sb.Append("\n|---|---|---:|---:|");
        for (int i = 0; i < 2 * percentiles.Count; i++) sb.Append("---:|");
        sb.Append('\n');
        foreach (var c in Columns())
        {
            sb.Append(inv, $"| {c.Name} | {c.Kind} | {c.Raw.Count} | {c.Failures} |");
            foreach (var p in percentiles) sb.Append(inv, $" {Figure(c.RawPercentile(p))} |");
            foreach (var p in percentiles) sb.Append(inv, $" {Figure(c.ScalarPercentile(p))} |");
            sb.Append('\n');
        }
        return sb.ToString();
    }

    internal static string Key(double p) => p.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Figure(double v) => !double.IsFinite(v) ? "n/a"
        : Math.Abs(v) >= 100 ? v.ToString("0.#", CultureInfo.InvariantCulture) : v.ToString("0.####", CultureInfo.InvariantCulture);

    private static void Number(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v)) w.WriteNumber(name, Math.Round(v, 6));
        else w.WriteNull(name);
    }
}
