using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace HyperdOrleans.Silo;

/// <summary>
/// HTTP Basic authentication in front of every dashboard endpoint (the web host serves nothing else). The dashboard
/// streams logs and grain state, so once it listens beyond loopback it must ask for a login; put TLS in front of it
/// (an ingress or a reverse proxy) when the network is not trusted, since Basic sends the password in every request.
/// Thread-safe: holds only the hash of the expected credentials.
/// </summary>
public sealed class DashboardBasicAuth
{
    private const string Challenge = "Basic realm=\"Hyperd dashboard\", charset=\"UTF-8\"";

    private readonly byte[] _expected;

    public DashboardBasicAuth(string user, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentException.ThrowIfNullOrEmpty(password);
        _expected = Hash($"{user}:{password}");
    }

    /// <summary>Middleware: passes a request with the right credentials, answers 401 with a challenge to any other.</summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (IsAuthorized(context.Request.Headers.Authorization.ToString()))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = Challenge;
        return Task.CompletedTask;
    }

    private bool IsAuthorized(string header)
    {
        const string scheme = "Basic ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string credentials;
        try
        {
            credentials = Encoding.UTF8.GetString(Convert.FromBase64String(header[scheme.Length..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }

        // Hashes of equal length, compared in constant time: neither the length nor a matching prefix leaks through timing.
        return CryptographicOperations.FixedTimeEquals(Hash(credentials), _expected);
    }

    private static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));
}
