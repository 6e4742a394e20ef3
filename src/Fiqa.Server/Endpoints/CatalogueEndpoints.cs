namespace Fiqa.Server.Endpoints;

/// <summary><c>GET /v1/measures</c>, <c>/methods</c>, <c>/metrics</c>, <c>/profiles</c>: the catalogues as JSON, from their
/// descriptors (<see cref="Catalogues"/>).</summary>
internal static class CatalogueEndpoints
{
    public static RouteGroupBuilder MapCatalogueEndpoints(this RouteGroupBuilder g)
    {
        g.MapGet("/measures", (AssessorPool pool) => Results.Text(Catalogues.Measures(pool.Mappings), "application/json")).WithTags("catalogues").WithSummary("The quality measures (ISO/IEC 29794-5 components).");
        g.MapGet("/methods", (ServedMethods served, AssessorPool pool) => Results.Text(Catalogues.Methods(served, pool.Mappings), "application/json")).WithTags("catalogues").WithSummary("The unified quality methods.");
        g.MapGet("/metrics", () => Results.Text(Catalogues.Metrics(), "application/json")).WithTags("catalogues").WithSummary("The image quality metrics.");
        g.MapGet("/profiles", (AssessorPool pool) => Results.Text(Catalogues.Profiles(pool.ServedProfiles), "application/json")).WithTags("catalogues").WithSummary("The verdict profiles (built-in, then those given to fiqa serve --profile) and their requirements.");
        return g;
    }
}
