using Microsoft.Data.Sqlite;

namespace Fiqa.Batch;

/// <summary>One input the run has finished: its record(s) are in the output up to the committed checkpoint.</summary>
/// <param name="Path">The input as enumerated.</param>
/// <param name="Size">Its size in bytes (−1 when it could not be read).</param>
/// <param name="MtimeTicks">Its last write time, UTC ticks (0 when it could not be read).</param>
/// <param name="Sha256">Its content hash, or null.</param>
/// <param name="Status">ok, no_face or error.</param>
/// <param name="Error">The reason for an error.</param>
public sealed record DoneInput(string Path, long Size, long MtimeTicks, string? Sha256, string Status, string? Error);

/// <summary>The durable state of a batch run (<c>--state run.db</c>, SQLite): which inputs are done or failed, keyed by
/// path, size, mtime and content hash, and the output's last committed checkpoint. The output is fsynced before the
/// transaction that records a checkpoint commits, so after a crash everything the database calls done is on disk, and
/// whatever the output holds beyond the checkpoint is cut off and redone on resume.</summary>
public sealed class RunState : IDisposable
{
    private const int SchemaVersion = 1;
    private readonly SqliteConnection _write;
    private readonly SqliteConnection _read;
    private readonly SqliteCommand _lookup;
    private readonly Lock _lookupGate = new();

    private RunState(string path, SinkCheckpoint? checkpoint, bool completed)
    {
        Path = path;
        Checkpoint = checkpoint;
        WasCompleted = completed;
        _write = Connect(path);
        _read = Connect(path);
        _lookup = _read.CreateCommand();
        _lookup.CommandText = "SELECT size, mtime FROM inputs WHERE path = $p";
        _lookup.Parameters.Add("$p", SqliteType.Text);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The output's last committed checkpoint; null for a new run.</summary>
    public SinkCheckpoint? Checkpoint { get; private set; }

    /// <summary>Whether the earlier run had finished.</summary>
    public bool WasCompleted { get; }

    private static SqliteConnection Connect(string path)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        c.Open();
        Exec(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;");
        return c;
    }

    private static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Opens the state of a run writing <paramref name="output"/> with <paramref name="fingerprint"/>. A new
    /// file starts a run — also with <paramref name="resume"/>, so a restarted job can run the same command line from
    /// its first start; an existing one is continued with <paramref name="resume"/> only, and only for the same output,
    /// format and fingerprint.</summary>
    public static RunState Open(string path, string output, string format, string fingerprint, bool resume)
    {
        ArgumentNullException.ThrowIfNull(path);
        bool exists = File.Exists(path) && new FileInfo(path).Length > 0;
        if (exists && !resume) throw new ArgumentException($"--state {path} exists: pass --resume to continue that run, or remove it to start again");
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        var fullOutput = System.IO.Path.GetFullPath(output);
        using (var c = Connect(path))
        {
            if (!exists)
            {
                Exec(c, """
                    CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB);
                    CREATE TABLE inputs (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime INTEGER NOT NULL, sha256 TEXT,
                                         status TEXT NOT NULL, error TEXT, finished_utc TEXT NOT NULL);
                    """);
                using var tx = c.BeginTransaction();
                foreach (var (k, v) in new (string, object)[] { ("schema", SchemaVersion), ("output", fullOutput), ("format", format), ("fingerprint", fingerprint), ("length", 0L), ("tail", Array.Empty<byte>()), ("completed", 0) })
                    SetMeta(c, tx, k, v);
                tx.Commit();
                return new RunState(path, null, false);
            }
            string Meta(string key) => Convert.ToString(GetMeta(c, key), System.Globalization.CultureInfo.InvariantCulture) ?? "";
            if (Meta("schema") != SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
                throw new ArgumentException($"--state {path} was written by another version of fiqa (schema {Meta("schema")})");
            if (Meta("output") != fullOutput) throw new ArgumentException($"--resume: {path} belongs to a run writing {Meta("output")}, not {fullOutput}");
            if (Meta("format") != format) throw new ArgumentException($"--resume: {path} belongs to a run writing {Meta("format")}, not {format}");
            if (Meta("fingerprint") != fingerprint)
                throw new ArgumentException($"--resume: the models or options differ from the run in {path} (fingerprint {Meta("fingerprint")[..12]}…, now {fingerprint[..12]}…); give the same options or start a new run");
            var length = Convert.ToInt64(GetMeta(c, "length"), System.Globalization.CultureInfo.InvariantCulture);
            var tail = (byte[]?)GetMeta(c, "tail") ?? [];
            bool completed = Meta("completed") == "1";
            return new RunState(path, new SinkCheckpoint(length, tail), completed);
        }
    }

    private static object? GetMeta(SqliteConnection c, string key)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT value FROM meta WHERE key = $k";
        cmd.Parameters.AddWithValue("$k", key);
        var v = cmd.ExecuteScalar();
        return v is DBNull ? null : v;
    }

    private static void SetMeta(SqliteConnection c, SqliteTransaction tx, string key, object value)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO meta(key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$v", value);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Whether <paramref name="path"/> was finished with this size and mtime (a changed file is done again).</summary>
    public bool IsDone(string path, long size, long mtimeTicks)
    {
        lock (_lookupGate)
        {
            _lookup.Parameters["$p"].Value = path;
            using var r = _lookup.ExecuteReader();
            return r.Read() && r.GetInt64(0) == size && r.GetInt64(1) == mtimeTicks;
        }
    }

    /// <summary>Records <paramref name="done"/> and the output's new checkpoint in one transaction. Call only after
    /// the output is durable up to <paramref name="checkpoint"/>.</summary>
    public void Commit(IReadOnlyCollection<DoneInput> done, SinkCheckpoint checkpoint, bool completed = false)
    {
        ArgumentNullException.ThrowIfNull(done);
        ArgumentNullException.ThrowIfNull(checkpoint);
        using var tx = _write.BeginTransaction();
        using (var cmd = _write.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO inputs(path, size, mtime, sha256, status, error, finished_utc) VALUES ($p, $s, $m, $h, $st, $e, $t)
                ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, sha256 = excluded.sha256,
                  status = excluded.status, error = excluded.error, finished_utc = excluded.finished_utc
                """;
            var p = cmd.Parameters.Add("$p", SqliteType.Text);
            var s = cmd.Parameters.Add("$s", SqliteType.Integer);
            var m = cmd.Parameters.Add("$m", SqliteType.Integer);
            var h = cmd.Parameters.Add("$h", SqliteType.Text);
            var st = cmd.Parameters.Add("$st", SqliteType.Text);
            var e = cmd.Parameters.Add("$e", SqliteType.Text);
            var t = cmd.Parameters.Add("$t", SqliteType.Text);
            t.Value = DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            cmd.Prepare();
            foreach (var d in done)
            {
                p.Value = d.Path; s.Value = d.Size; m.Value = d.MtimeTicks;
                h.Value = (object?)d.Sha256 ?? DBNull.Value; st.Value = d.Status; e.Value = (object?)d.Error ?? DBNull.Value;
                cmd.ExecuteNonQuery();
            }
        }
        SetMeta(_write, tx, "length", checkpoint.Length);
        SetMeta(_write, tx, "tail", checkpoint.Tail);
        SetMeta(_write, tx, "completed", completed ? 1 : 0);
        tx.Commit();
        Checkpoint = checkpoint;
    }

    /// <summary>Inputs recorded, by status.</summary>
    public IReadOnlyDictionary<string, long> Counts()
    {
        using var cmd = _write.CreateCommand();
        cmd.CommandText = "SELECT status, COUNT(*) FROM inputs GROUP BY status";
        using var r = cmd.ExecuteReader();
        var d = new Dictionary<string, long>(StringComparer.Ordinal);
        while (r.Read()) d[r.GetString(0)] = r.GetInt64(1);
        return d;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _lookup.Dispose();
        _read.Dispose();
        _write.Dispose();
    }
}
