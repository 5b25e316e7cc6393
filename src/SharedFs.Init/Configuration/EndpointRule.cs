namespace SharedFs.Init.Configuration;

/// <summary>An S3 endpoint: an absolute http or https URL with a host and nothing after the path.</summary>
internal static class EndpointRule
{
    public static Uri? TryParse(string text, out string? problem)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || uri.Host.Length == 0)
            problem = "is not an absolute URL";
        else if (uri.Scheme is not ("http" or "https"))
            problem = $"has scheme \"{uri.Scheme}\"; only http and https are supported";
        else if (uri.UserInfo.Length > 0)
            problem = "must not carry user:password (use the credentials setting)";
        else if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
            problem = "must not have a query or a fragment";
        else
            problem = null;
        return problem is null ? uri : null;
    }
}
