using Spectre.Console;

namespace Fiqa.Cli;

/// <summary>Runs one job per file with a fixed number of workers and hands results back strictly in input order,
/// each as soon as it and all before it are done — so output is identical for any thread count and nothing computed
/// is lost if a later file fails.</summary>
internal static class BatchRunner
{
    public static void Run<T>(IReadOnlyList<string> files, Func<string, T> job, int workers, TextWriter progressTo, Action<T> onResult)
        where T : class
    {
        var results = new T?[files.Count];
        int next = 0, emitted = 0;
        var gate = new object();
        void Emit()
        {
            // Called under the gate: flush the completed prefix.
            while (emitted < results.Length && results[emitted] is { } r)
            {
                onResult(r);
                results[emitted] = null;
                emitted++;
            }
        }
        void Work(Action? tick)
        {
            while (true)
            {
                int i = Interlocked.Increment(ref next) - 1;
                if (i >= files.Count) return;
                var r = job(files[i]);
                lock (gate)
                {
                    results[i] = r;
                    Emit();
                }
                tick?.Invoke();
            }
        }
        void RunWorkers(Action? tick)
        {
            if (workers <= 1 || files.Count <= 1) { Work(tick); return; }
            var threads = Enumerable.Range(0, Math.Min(workers, files.Count)).Select(_ => new Thread(() => Work(tick))).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
        }

        if (ReferenceEquals(progressTo, Console.Error) && !Console.IsErrorRedirected && files.Count > 1)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            console.Progress().AutoClear(true).Start(ctx =>
            {
                var task = ctx.AddTask("assessing", maxValue: files.Count);
                RunWorkers(() => task.Increment(1));
            });
        }
        else
        {
            RunWorkers(null);
        }
    }
}
