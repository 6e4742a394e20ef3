namespace Fiqa.Server.Endpoints;

/// <summary><c>GET /v1/measures</c>, <c>/methods</c>, <c>/metrics</c>, <c>/profiles</c>: the catalogues as JSON arrays of
/// the records of <see cref="Catalogues"/>, built from their descriptors; typed results, so the OpenAPI document carries
/// their schemas.</summary>
internal static class CatalogueEndpoints
{
    public static RouteGroupBuilder MapCatalogueEndpoints(this RouteGroupBuilder g)
    {
        g.MapGet("/measures", (AssessorPool pool) => TypedResults.Ok(Catalogues.Measures(pool.Mappings)))
            .WithTags("catalogues").WithSummary("The quality measures (ISO/IEC 29794-5 components).");
        g.MapGet("/methods", (ServedMethods served, AssessorPool pool) => TypedResults.Ok(Catalogues.Methods(served, pool.Mappings)))
            .WithTags("catalogues").WithSummary("The unified quality methods.");
        g.MapGet("/metrics", () => TypedResults.Ok(Catalogues.Metrics()))
            .WithTags("catalogues").WithSummary("The image quality metrics.");
        g.MapGet("/profiles", (AssessorPool pool) => TypedResults.Ok(Catalogues.Profiles(pool.ServedProfiles)))
            .WithTags("catalogues").WithSummary("The verdict profiles (built-in, then those given to fiqa serve --profile) and their requirements.");
        return g;
    }
}
