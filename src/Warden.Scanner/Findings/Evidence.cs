namespace Warden.Scanner.Findings;

/// <summary>
/// One probe the scanner made, recorded whole: what was sent (never a credential, because the
/// scanner never sends one), what came back, and a short, redacted excerpt.
/// </summary>
/// <param name="Id">Evidence id within the host result (<c>E1</c>, <c>E2</c>, ...), referenced by findings.</param>
/// <param name="Kind"><c>http</c> or <c>ws</c>.</param>
/// <param name="Request">The request line, e.g. <c>GET http://127.0.0.1:18789/healthz</c> or <c>WS connect (Origin: ...)</c>.</param>
/// <param name="Status">HTTP status (101 for an accepted upgrade), or null when no answer came.</param>
/// <param name="Excerpt">The relevant part of the answer, truncated and with secret-looking values redacted.</param>
/// <param name="Error">Transport error or timeout, if any.</param>
internal sealed record Evidence(string Id, string Kind, string Request, int? Status, string Excerpt, string? Error = null);
