using System.Buffers;

namespace Warden.Core.Screening;

/// <summary>
/// Dense per-segment features that describe a segment's place in its document rather than its words: an
/// injected instruction changes topic (its content words occur nowhere else in the document), addresses the
/// reader ("you", "your") and often asks a question or sits at the very start or end. These generalise to
/// attack phrasings the n-gram heads have never seen.
/// </summary>
/// <remarks>
/// Word counts live in a pooled, hashed byte table sized to the text (at most 64 Ki entries, saturating counts):
/// memory stays bounded for any document size; collisions only make a word look "seen", i.e. less suspicious.
/// </remarks>
internal sealed class DiscourseFeatures : IDisposable
{
    /// <summary>
    /// Number of dense features per segment: <see cref="LocalCount"/> from <see cref="Fill"/>, two from
    /// <see cref="FillNeighbours"/>, then <see cref="VoiceCount"/> more (round 8) and <see cref="PositionCount"/> more
    /// (round 10) from <see cref="Fill"/>, appended so the earlier features keep their positions in a combiner file.
    /// </summary>
    public const int Count = LocalCount + 2 + VoiceCount + PositionCount;

    /// <summary>
    /// Round 8's features, after the neighbour features: see <see cref="Fill"/>. One (the answer-shaping opener): three more
    /// were tried (an AI addressee, a shift to the second person, a web address) and added nothing in cross-validation.
    /// </summary>
    public const int VoiceCount = 1;

    /// <summary>Index of the first voice feature (round 8) in a feature row.</summary>
    public const int VoiceAt = LocalCount + 2;

    /// <summary>
    /// Round 10's long-document position features, after the voice features: first segment × g and last segment × g, with
    /// g = clamp((segments − <see cref="ShortDocumentSegments"/>) / <see cref="ShortDocumentSegments"/>, 0, 1), so the
    /// closing line of a short email (at most four segments) gets no position reward and a document of eight or more
    /// segments gets the full one (see <see cref="Fill"/>).
    /// </summary>
    public const int PositionCount = 2;

    /// <summary>Index of the first long-document position feature (round 10) in a feature row.</summary>
    public const int PositionAt = VoiceAt + VoiceCount;

    /// <summary>Documents of at most this many segments get no long-document position value; twice as many get the full one.</summary>
    public const int ShortDocumentSegments = 4;

    /// <summary>Features that depend on the segment and the document only (see <see cref="Fill"/>).</summary>
    public const int LocalCount = 10;

    // Positions in a combiner input row (indirect logit, direct logit, then the features).
    private const int RowIndirect = 0;
    private const int RowQuestion = 2 + 2;
    private const int RowListedQuestion = 2 + LocalCount;
    private const int RowNeighbourLogit = 2 + LocalCount + 1;
    private const float NoNeighbourLogit = -4f;

    private const int MaxTable = 1 << 16;
    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;

    // Short and frequent words carry no topic; words of four letters or more that are just as common are listed.
    private static readonly HashSet<uint> StopWords = [.. new[]
    {
        "this", "that", "with", "have", "from", "your", "will", "what", "when", "they", "them", "their", "there", "were",
        "been", "also", "just", "more", "about", "would", "could", "should", "into", "than", "then", "some", "only", "other",
        "which", "these", "those", "here", "please", "thank", "thanks", "very", "each", "make", "like", "over", "such", "most",
        "after", "before", "does", "where", "while", "much", "many", "because", "being", "still", "both", "same", "every",
        "yours", "yourself", "need", "want", "know", "take", "give", "good", "well", "time", "year", "first", "last", "next",
        "sure", "even", "back", "through", "again", "must", "shall", "might", "into", "upon", "onto", "once", "ever", "never",
        "nicht", "eine", "einen", "einer", "dein", "deine", "deinen", "deiner", "sich", "auch", "oder", "aber", "wenn", "noch",
    }.Select(Hash)];

    // Verbs that open a request for a piece of writing or knowledge (the common root verbs of instruction-tuning
    // tasks, e.g. Self-Instruct/Alpaca: write, describe, explain, summarize, translate, give, list …), English and German.
    // The calls to action of ordinary mail (click, reply, download, sign in, call, read, join …) are not in it; some
    // verbs are both ("Give us a call", "Create your account"), and the combiner weighs the feature against the rest.
    private static readonly HashSet<uint> TaskVerbs = [.. new[]
    {
        "write", "compose", "draft", "describe", "explain", "summarize", "summarise", "translate", "outline", "rewrite",
        "paraphrase", "generate", "elaborate", "develop", "classify", "analyze", "analyse", "define", "discuss", "brainstorm",
        "construct", "predict", "evaluate", "provide", "give", "list", "name", "suggest", "create", "identify", "compare", "calculate", "tell",
        "schreibe", "schreib", "verfasse", "beschreibe", "erkläre", "erklär", "übersetze", "fasse", "formuliere", "erstelle",
        "entwirf", "analysiere", "definiere", "diskutiere",
    }.Select(Hash)];

    // Verbs that tell the writer of an answer how to shape or fill it ("Respond only in …", "Include a link …",
    // "Append …", "Replace every …"), English and German. Ordinary calls to action of mail (send, call, open, keep,
    // make sure, use, forward …) are left out; the combiner weighs the feature against the rest (round 8).
    private static readonly HashSet<uint> OutputVerbs = [.. new[]
    {
        "respond", "answer", "reply", "include", "insert", "append", "add", "mention", "format", "replace", "convert", "modify",
        "augment", "enhance", "integrate", "incorporate", "output", "print", "repeat", "refuse", "pretend", "switch", "adopt",
        "embed", "state", "claim", "ignore", "forget", "disregard", "begin", "start", "end", "sign", "recommend", "encourage",
        "promote", "insist", "say", "talk", "speak", "act", "always", "never", "only", "avoid", "stop", "emphasize", "highlight", "urge",
        "antworte", "füge", "ignoriere", "vergiss", "beginne", "ersetze", "behaupte", "erwähne", "sage", "sag", "hänge", "empfiehl",
    }.Select(Hash)];

    private static readonly HashSet<uint> Openers = [.. new[] { "please", "now", "also", "kindly", "then", "and", "bitte", "nun", "jetzt", "auch", "und" }.Select(Hash)];

    // "your answer", "deiner Antwort": a sentence about the reader's *output* is addressed to whoever writes the answer.
    private static readonly HashSet<uint> OutputNouns = [.. new[] { "answer", "answers", "response", "responses", "reply", "replies", "output", "antwort", "ausgabe" }.Select(Hash)];

    private readonly byte[] _table;
    private readonly int _mask;

    private DiscourseFeatures(byte[] table, int size)
    {
        _table = table;
        _mask = size - 1;
    }

    /// <summary>Counts the content words of the whole document (one pass).</summary>
    public static DiscourseFeatures Analyze(ReadOnlySpan<char> text)
    {
        var size = 256;
        while (size < MaxTable && size < text.Length / 2)
        {
            size <<= 1;
        }

        var table = ArrayPool<byte>.Shared.Rent(size);
        Array.Clear(table, 0, size);
        var f = new DiscourseFeatures(table, size);
        var words = new WordReader(text);
        while (words.Next(out var hash, out var len))
        {
            if (IsContent(hash, len))
            {
                ref var c = ref table[hash & f._mask];
                if (c < 255)
                {
                    c++;
                }
            }
        }

        return f;
    }

    /// <summary>
    /// Writes the features of segment <paramref name="index"/> of <paramref name="segmentCount"/>:
    /// [0] share of content words that occur nowhere else in the document (smoothed), [1] second-person words per
    /// word (×5, capped at 1), [2] ends with a question mark, [3] first segment, [4] last segment,
    /// [5] novelty × question, [6] novelty × second person, [7] 1 / √words (short segments are noisier),
    /// [8] opens with a verb that asks for a piece of writing or knowledge ("Write …", "Explain …", "Übersetze …"),
    /// [9] speaks of the reader's output ("your answer", "your response", "deiner Antwort");
    /// the neighbour features after them are cleared (see <see cref="FillNeighbours"/>); then (round 8)
    /// [12] opens with a verb that shapes an answer ("Respond …", "Include …", "Append …", "Never …"); then (round 10)
    /// [13] first segment × g and [14] last segment × g, g the long-document ramp (see <see cref="PositionCount"/>).
    /// </summary>
    public void Fill(ReadOnlySpan<char> segment, int index, int segmentCount, Span<float> features)
    {
        int content = 0, novel = 0, all = 0, second = 0;
        var task = 0f;
        var output = 0f;
        var shaping = 0f;
        var opening = true;
        var afterPossessive = false;
        var words = new WordReader(segment);
        while (words.Next(out var hash, out var len))
        {
            all++;
            if (afterPossessive && OutputNouns.Contains(hash))
            {
                output = 1;
            }

            // Constant comparisons, not a set lookup: this runs for every word of the document.
            afterPossessive = hash == Your || hash == Deiner || hash == Deine || hash == Ihrer || hash == Ihre;
            if (opening && !Openers.Contains(hash))
            {
                task = TaskVerbs.Contains(hash) ? 1 : 0;
                shaping = OutputVerbs.Contains(hash) ? 1 : 0;
                opening = false;
            }

            if (IsSecondPerson(hash))
            {
                second++;
            }

            if (IsContent(hash, len))
            {
                content++;
                if (_table[hash & _mask] <= 1)
                {
                    novel++;
                }
            }
        }

        var novelty = novel / (content + 1f);
        var you = all == 0 ? 0 : MathF.Min(1, 5f * second / all);
        var trimmed = segment.TrimEnd();
        var question = trimmed.Length > 0 && trimmed[^1] is '?' or '？' ? 1f : 0f;
        features[0] = novelty;
        features[1] = you;
        features[2] = question;
        features[3] = index == 0 ? 1 : 0;
        features[4] = index == segmentCount - 1 ? 1 : 0;
        features[5] = novelty * question;
        features[6] = novelty * you;
        features[7] = 1 / MathF.Sqrt(all + 1);
        features[8] = task;
        features[9] = output;
        features.Slice(LocalCount, 2).Clear();
        features[VoiceAt] = shaping;
        var longDocument = Math.Clamp((segmentCount - ShortDocumentSegments) / (float)ShortDocumentSegments, 0f, 1f);
        features[PositionAt] = features[3] * longDocument;
        features[PositionAt + 1] = features[4] * longDocument;
    }

    /// <summary>
    /// Completes a combiner input row with its neighbours (the rows of the segments before and after it; empty at the
    /// document's ends): [10] the segment is a question next to another question (a list of questions in a homework email,
    /// a survey or an FAQ, not one planted question), [11] the higher indirect n-gram logit of its neighbours, clamped to
    /// ±4 (−4 without neighbours): an injected instruction stands out from the sentences around it, imperative
    /// marketing copy or a list of steps does not.
    /// </summary>
    public static void FillNeighbours(Span<float> row, ReadOnlySpan<float> previous, ReadOnlySpan<float> next)
    {
        var neighbourQuestion = previous.IsEmpty ? 0f : previous[RowQuestion];
        var neighbourLogit = previous.IsEmpty ? NoNeighbourLogit : previous[RowIndirect];
        if (!next.IsEmpty)
        {
            neighbourQuestion = MathF.Max(neighbourQuestion, next[RowQuestion]);
            neighbourLogit = MathF.Max(neighbourLogit, next[RowIndirect]);
        }

        row[RowListedQuestion] = row[RowQuestion] * neighbourQuestion;
        row[RowNeighbourLogit] = Math.Clamp(neighbourLogit, NoNeighbourLogit, -NoNeighbourLogit);
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_table);

    private static bool IsContent(uint hash, int len) => len >= 4 && !StopWords.Contains(hash);

    private static bool IsSecondPerson(uint hash) =>
        hash == You || hash == Your || hash == Yours || hash == Yourself || hash == Du || hash == Dein || hash == Deine || hash == Dir || hash == Dich;

    private static readonly uint Deiner = Hash("deiner"), Ihrer = Hash("ihrer"), Ihre = Hash("ihre");

    private static readonly uint You = Hash("you"), Your = Hash("your"), Yours = Hash("yours"), Yourself = Hash("yourself"),
        Du = Hash("du"), Dein = Hash("dein"), Deine = Hash("deine"), Dir = Hash("dir"), Dich = Hash("dich");

    private static uint Hash(string word)
    {
        var h = FnvOffset;
        foreach (var c in word)
        {
            h = (h ^ c) * FnvPrime;
        }

        return h;
    }

    /// <summary>Lower-cased words of letters and digits, hashed with FNV-1a.</summary>
    private ref struct WordReader(ReadOnlySpan<char> text)
    {
        private readonly ReadOnlySpan<char> _text = text;
        private int _at;

        public bool Next(out uint hash, out int length)
        {
            hash = FnvOffset;
            length = 0;
            var map = TextFeaturizer.AsciiMap;
            while (_at < _text.Length)
            {
                var c = _text[_at++];
                char n;
                if (c < 128)
                {
                    n = (char)map[c];
                }
                else
                {
                    n = char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '\0';
                }

                if (n != '\0')
                {
                    hash = (hash ^ n) * FnvPrime;
                    length++;
                }
                else if (length > 0 && c != '\'')
                {
                    return true;
                }
            }

            return length > 0;
        }
    }
}
