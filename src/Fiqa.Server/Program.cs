return Fiqa.Server.FiqaServer.Run(args);

/// <summary>The service's entry point (also what <c>WebApplicationFactory</c> starts in the tests).</summary>
public partial class Program;
