using Microsoft.Data.Sqlite;

namespace Fiqa.Batch;

/// <summary>One result for the idempotent store.</summary>
/// <param name="Path">The input as submitted.</param>
/// <param name="Sha256">Its content hash, or null when it could not be read.</param>
/// <param name="Status">ok, no_face or error.</param>
/// <param name="Records">Its JSON records (one per line, with hash and fingerprint).</param>
public sealed record StoredResult(string Path, string? Sha256, string Status, string Records);

/// <summary>The queue workers' durable, idempotent sink (SQLite, WAL, synchronous=FULL; several worker processes may
/// share one file). Results are keyed by content hash + fingerprint and inputs by path + fingerprint, both inserted
/// with "ignore if present", so a redelivered message cannot duplicate a row, and equal content is assessed once.</summary>
public sealed class ResultStore : IDisposable
{
    private readonly SqliteConnection _db;
    private readonly string _fingerprint;

    /// <summary>Opens (creating if needed) the store at <paramref name="path"/> for one fingerprint.</summary>
    public ResultStore(string path, string fingerprint)
    {
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        _fingerprint = fingerprint;
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 60 }.ToString());
        _db.Open();
        Exec("PRAGMA busy_timeout=60000; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
        Exec("""
            CREATE TABLE IF NOT EXISTS results (key TEXT NOT NULL, fingerprint TEXT NOT NULL, status TEXT NOT NULL, records TEXT NOT NULL,
                                                PRIMARY KEY (key, fingerprint));
            CREATE TABLE IF NOT EXISTS inputs (path TEXT NOT NULL, fingerprint TEXT NOT NULL, key TEXT NOT NULL, status TEXT NOT NULL,
                                               finished_utc TEXT NOT NULL, PRIMARY KEY (path, fingerprint));
            """);
    }

    private void Exec(string sql)
    {
        using var c = _db.CreateCommand();
        c.CommandText = sql;
        c.ExecuteNonQuery();
    }

    private static string Key(string path, string? sha256) => sha256 ?? "unreadable:" + path;

    /// <summary>Whether a result for this content (and fingerprint) is stored already.</summary>
    public bool Has(string sha256)
    {
        using var c = _db.CreateCommand();
        c.CommandText = "SELECT 1 FROM results WHERE key = $k AND fingerprint = $f";
        c.Parameters.AddWithValue("$k", sha256);
        c.Parameters.AddWithValue("$f", _fingerprint);
        return c.ExecuteScalar() is not null;
    }

    /// <summary>Stores results in one durable transaction; rows present already are left as they are.</summary>
    public void Add(IReadOnlyCollection<StoredResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        using var tx = _db.BeginTransaction();
        var now = DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var r in results)
        {
            using var c = _db.CreateCommand();
            c.Transaction = tx;
            c.CommandText = """
                INSERT OR IGNORE INTO results(key, fingerprint, status, records) VALUES ($k, $f, $s, $r);
                INSERT OR IGNORE INTO inputs(path, fingerprint, key, status, finished_utc) VALUES ($p, $f, $k, $s, $t);
                """;
            c.Parameters.AddWithValue("$k", Key(r.Path, r.Sha256));
            c.Parameters.AddWithValue("$f", _fingerprint);
            c.Parameters.AddWithValue("$s", r.Status);
            c.Parameters.AddWithValue("$r", r.Records);
            c.Parameters.AddWithValue("$p", r.Path);
            c.Parameters.AddWithValue("$t", now);
            c.ExecuteNonQuery();
        }
        tx.Commit();
    }

    /// <summary>Inputs and results stored for this fingerprint.</summary>
    public (long Inputs, long Results) Count()
    {
        using var c = _db.CreateCommand();
        c.CommandText = "SELECT (SELECT COUNT(*) FROM inputs WHERE fingerprint = $f), (SELECT COUNT(*) FROM results WHERE fingerprint = $f)";
        c.Parameters.AddWithValue("$f", _fingerprint);
        using var r = c.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetInt64(1));
    }

    /// <summary>Every stored input path for this fingerprint.</summary>
    public IReadOnlyList<string> Paths()
    {
        using var c = _db.CreateCommand();
        c.CommandText = "SELECT path FROM inputs WHERE fingerprint = $f ORDER BY path";
        c.Parameters.AddWithValue("$f", _fingerprint);
        using var r = c.ExecuteReader();
        var list = new List<string>();
        while (r.Read()) list.Add(r.GetString(0));
        return list;
    }

    /// <inheritdoc/>
    public void Dispose() => _db.Dispose();
}
