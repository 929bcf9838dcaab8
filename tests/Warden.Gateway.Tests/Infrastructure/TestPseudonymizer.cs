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

        public string Restore(string text)
        {
            for (var i = 0; i < names.Length; i++)
            {
                text = text.Replace(Surrogate(i), names[i], StringComparison.Ordinal);
            }

            return text;
        }

        public IStreamingRestorer CreateStreamingRestorer() => new Restorer(this);

        // The test names hold no JSON-special characters, so JSON text needs no escaping here.
        public string RestoreInJson(string jsonText) => Restore(jsonText);

        public IStreamingRestorer CreateJsonStreamingRestorer() => new Restorer(this);

        private sealed class Restorer(Session session) : IStreamingRestorer
        {
            private string _pending = "";

            public string Push(string delta)
            {
                var text = _pending + delta;
                var open = text.LastIndexOf('<');
                if (open >= 0 && text.IndexOf('>', open) < 0)
                {
                    _pending = text[open..];
                    return session.Restore(text[..open]);
                }

                _pending = "";
                return session.Restore(text);
            }

            public string Flush()
            {
                var rest = session.Restore(_pending);
                _pending = "";
                return rest;
            }
        }
    }
}
