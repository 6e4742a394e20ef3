using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Mvc;

namespace Fiqa.Server;

/// <summary>Checks the typed query fields of the matched endpoint (flags, numbers) before the framework binds them. A
/// value the binder cannot read would otherwise answer a bare 400 with no field and no reason; here it answers 400
/// naming the field, the value and what it must be.</summary>
internal static class QueryFields
{
    /// <summary>The first query value of <paramref name="endpoint"/>'s typed parameters that does not parse, as
    /// "field: reason", or null.</summary>
    public static string? Problem(Endpoint endpoint, IQueryCollection query)
    {
        // Minimal API endpoints carry their handler's method in their metadata.
        if (endpoint.Metadata.GetMetadata<MethodInfo>() is not { } handler) return null;
        foreach (var p in handler.GetParameters())
        {
            var type = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
            if (type != typeof(bool) && type != typeof(float) && type != typeof(double) && type != typeof(int)) continue;
            var name = p.GetCustomAttribute<FromQueryAttribute>()?.Name ?? p.Name!;
            if (!query.TryGetValue(name, out var values)) continue;
            if (values.Count > 1) return $"{name}: given {values.Count} times; give it once";
            var text = values[0];
            // An empty value binds as "not given", as the binder does.
            if (string.IsNullOrEmpty(text)) continue;
            if (Reason(type, text) is { } reason) return $"{name}: '{text}' {reason}";
        }
        return null;
    }

    private static string? Reason(Type type, string text)
    {
        if (type == typeof(bool)) return bool.TryParse(text, out _) ? null : "is not true or false";
        if (type == typeof(int)) return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? null : "is not a whole number";
        // NaN and infinities parse, but no threshold or limit of ours means anything with them.
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? null : "is not a number";
    }
}
