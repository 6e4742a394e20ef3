// WebApplicationFactory finds the host being built through a process-wide DiagnosticListener: two services built at once
// in one process can see each other's host. The classes run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
