using System.Text.Encodings.Web;
using System.Text.Json;
using Warden.Core.Pseudonymization;

namespace Warden.Gateway.Tests.Infrastructure;

/// <summary>
/// A minimal real pseudonymizer for gateway tests: replaces each listed name with a stable surrogate
/// and restores it, including across split stream deltas.
/// </summary>
public sealed class TestPseudonymizer(params string[] names) : IPseudonymizer
{
    public bool Throw { get; set; }

    public IPseudonymizationSession OpenSession(string? sessionId = null, IReadOnlyCollection<string>? entityTypes = null) =>
        Throw ? throw new InvalidOperationException("scrubber down") : new Session(names);

    private sealed class Session(string[] names) : IPseudonymizationSession
    {
        private readonly Dictionary<string, int> _counts = [];

        public IReadOnlyDictionary<string, int> FindingCounts => _counts;

        private static string Surrogate(int i) => $"<PERSON_{i + 1}>";

        public string Protect(string text)
        {
            for (var i = 0; i < names.Length; i++)
            {
                if (text.Contains(names[i], StringComparison.Ordinal))
                {
                    _counts["PERSON"] = _counts.GetValueOrDefault("PERSON") + 1;
                    text = text.Replace(names[i], Surrogate(i), StringComparison.Ordinal);
                }
            }

            return text;
        }

        public string Restore(string text) => Restore(text, inJson: false);

        // The real contract: in JSON text each original is written as JSON string content (the platform's escaper, as
        // the real session), so a name holding a quote or a backslash keeps tool arguments valid JSON.
        public string RestoreInJson(string jsonText) => Restore(jsonText, inJson: true);

        private string Restore(string text, bool inJson)
        {
            for (var i = 0; i < names.Length; i++)
            {
                var original = inJson ? JsonEncodedText.Encode(names[i], JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value : names[i];
                text = text.Replace(Surrogate(i), original, StringComparison.Ordinal);
            }

            return text;
        }

        public IStreamingRestorer CreateStreamingRestorer() => new Restorer(this, inJson: false);

        public IStreamingRestorer CreateJsonStreamingRestorer() => new Restorer(this, inJson: true);

        private sealed class Restorer(Session session, bool inJson) : IStreamingRestorer
        {
            private string _pending = "";

            public string Push(string delta)
            {
                var text = _pending + delta;
                var open = text.LastIndexOf('<');
                if (open >= 0 && text.IndexOf('>', open) < 0)
                {
                    _pending = text[open..];
                    return session.Restore(text[..open], inJson);
                }

                _pending = "";
                return session.Restore(text, inJson);
            }

            public string Flush()
            {
                var rest = session.Restore(_pending, inJson);
                _pending = "";
                return rest;
            }
        }
    }
}
