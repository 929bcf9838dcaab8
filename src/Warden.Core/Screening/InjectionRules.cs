using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace Warden.Core.Screening;

/// <summary>
/// Hand-written rules for instructions aimed at a model, English and German. They are written for precision
/// (a benign "Can I ignore this compiler warning?" must not match); recall comes from the classifier.
/// </summary>
internal static class InjectionRules
{
    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static IReadOnlyList<InjectionRule> All { get; } =
    [
        Rule("rule.ignore_previous", ["ignor", "disregard", "forget", "skip", "overrid", "bypass", "discard", "abandon", "aside", "behind", "vergiss", "vergessen", "missachte", "bergehe"], 0.92f,
            @"\b(ignore|disregard|forget|skip|override|bypass|discard|abandon|set aside|leave behind)\s+((all|any|the|your|my|every|of|these|those|about)\s+)*(previous|prior|above|earlier|preceding|former|foregoing|original|initial|old|existing|system|safety|current)\s+(\w+\s+)?(instructions?|prompts?|rules|directions|directives|guidelines|orders|tasks|assignments|context|commands|messages|information|programming|constraints|restrictions)\b"
            + @"|\b(ignore|disregard|forget)\s+(all\s+|everything\s+)?(that\s+|what\s+)?(was\s+)?(said|written|told|stated|mentioned)?\s*(before|above|previously|so far)\b"
            + @"|\b(ignorier(e|en|t)?|vergiss|vergessen\s+sie|missachte|übergehe)\s+(\w+\s+){0,3}(anweisungen|instruktionen|befehle|aufgaben|vorgaben|regeln|informationen)\b"),
        Rule("rule.forget_everything", ["forget", "ignor", "disregard", "vergiss", "scratch"], 0.4f,
            @"\b(forget|ignore|disregard)\s+(about\s+)?(everything|all\s+(of\s+)?(that|this|the\s+above))(\s*([.,;:!\n]|$)|\s+(and|above|before|else|so\s+far|previously|from\s+before|you\s+(were|have\s+been|'ve\s+been)\s+told|you\s+(know|knew|learned)\s*([.,;:!]|and\b)|(i|we)\s+(said|told\s+you|discussed)))"
            + @"|\bvergiss\s+alles(\s*([.!;:\n]|$)|,?\s+(und|bisher|vorher|zuvor|davor|gesagte|bisherige|vorherige|obige|was\s+(vorher|bisher|zuvor|oben|ich|wir|man\s+dir))|,\s*(schreib|sag|antworte|gib|zeig|tu|mach|ignorier|du\s+bist|ab\s+jetzt|jetzt|nun))|\bstart\s+(over|from\s+scratch)\s+with\s+a\s+new\s+task\b"),
        Rule("rule.new_task", ["task", "instruction", "assignment", "aufgabe", "anweisung", "role", "goal", "objective", "rolle"], 0.7f,
            @"\b(now|from now on|jetzt|nun|ab jetzt)\b[^.!?\n]{0,40}\b(new|neue[nr]?|further|weitere)\s+(tasks?|instructions?|assignments?|aufgaben?|anweisungen?)\b(\s+(follow|folgen))?"
            + @"|\byour\s+new\s+(task|instructions|role|goal|objective)\s*(is|are|will\s+be|:)|\bdeine\s+neue\s+(aufgabe|rolle)\s*(ist|lautet|:)|\bnew\s+instructions?\s*:"),
        Rule("rule.role_override", ["now", "act as", "pretend", "roleplay", "bist", "dan", "evil", "unrestricted", "unfiltered", "jailbr", "uncensored", "developer", "anything"], 0.6f,
            @"\b(you\s+are\s+now\s+(an?\s+|the\s+|my\s+)?\w+\s*[,.:!]|you're\s+now\s+(an?\s+|the\s+)|from\s+now\s+on,?\s+you\s+(are|act|answer|respond|reply|(will|must|should|shall)\s+(only\s+|always\s+|never\s+|not\s+|now\s+)?(act|answer|respond|reply|be|pretend|ignore|speak|talk|write|say|output|refuse|obey|follow|comply|stay|behave|play|call\s+yourself))|i\s+want\s+you\s+to\s+act\s+as|you\s+will\s+now\s+act|roleplay\s+as"
            + @"|du\s+bist\s+(jetzt|nun|ab\s+sofort)\s+(ein|eine|der|die|das)\b|ab\s+(jetzt|sofort)\s+bist\s+du|you\s+are\s+(dan|an?\s+(evil|unrestricted|unfiltered|jailbroken|uncensored)\s+\w+)|do\s+anything\s+now)\b"
            + @"|\benable\s+developer\s+mode\s*([.,:;!)\n]|$)"),
        Rule("rule.role_play", ["pretend", "act as", "stay", "tu so", "stell", "now"], 0.35f,
            @"\b(pretend\s+(to\s+be|(that\s+)?you\s+are)|act\s+as\s+if\s+you|stay\s+in\s+(your\s+)?(role|character)|tu\s+so,?\s+als|stell\s+dir\s+vor,?\s+du\s+bist|now\s+you\s+are\s+\w+)\b"),
        Rule("rule.fake_frame", ["<|", "inst]", "<<sys", "<</sys", "system", "tool_", "function_", "instruction", "###", "begin", "role", "end of", "assistant"], 0.8f,
            @"<\|(im_start|im_end|system|assistant|user|endoftext)\|>|\[/?inst\]|<</?sys>>|<\s*/?\s*(system|system_prompt|tool_call|function_call|tool_result|instructions?)\s*>"
            + @"|###\s*(system(\s+(prompt|message|instructions?))?|instructions?|new\s+instructions?)\s*(:|\n|#|$)|\bbegin\s+(new\s+)?(system\s+)?(prompt|instructions)\s*([:\n\-=*#\]>]|$)|""role""\s*:\s*""(system|tool)""|\bend\s+of\s+(the\s+)?(user\s+)?(input|prompt|document|email|context)\s*[-=*#\]>.:!]*\s*(new|now|ignore|system|assistant|you|your|instructions?|begin|from|the\s+(real|actual|new))\b"
            + @"|(^|\n)\s*\[?(system|assistant)\]?\s*:\s*(you|ignore|new|from|the\s+user)"),
        Rule("rule.reveal_secrets", ["prompt", "instruction", "system message", "configuration", "api key", "api-key", "secret", "credential", "above", "anweisung", "instruktion", "passw"], 0.8f,
            @"\b(reveal|show|print|output|repeat|display|tell|give|leak|dump|list|spell\s+out|write\s+down)\s+(me\s+|us\s+)?(all\s+)?(of\s+)?your\s+(\w+\s+)?(prompts?|prompt\s+texts?|instructions|system\s+message|configuration|api\s+keys?|secrets|credentials)(\s*([.,;:!?""'“”)\n]|$)|\s+(verbatim|word\s+for\s+word|exactly|in\s+full|now|above|again|you\s+(were|have\s+been)\s+given|so\s+far|and|to\s+me|with\s+me)\b)"
            + @"|\b(reveal|show|print|output|repeat|display|leak|dump)\s+(me\s+)?(all\s+)?(of\s+)?the\s+(full\s+|entire\s+|complete\s+|original\s+|initial\s+|hidden\s+|exact\s+)*(system\s+prompt|prompt\s+texts?|hidden\s+instructions|initial\s+instructions|api\s+keys?)\b"
            + @"|\b(show|print|output|repeat)\s+(all\s+)?(your\s+|the\s+)?prompt\s+texts?\b|\bwhat\s+was\s+written\s+at\s+the\s+beginning\s+of\s+this\s+prompt\b|\b(repeat|print)\s+(the\s+)?(text|words)\s+above\b"
            + @"|\b(zeig|zeige|nenne|gib|verrate)\s+(mir\s+)?((alle|deine|den|die|alle deine)\s+)+(prompts?|prompt-texte|anweisungen|instruktionen|passw\w*)\b"),
        Rule("rule.exfiltrate", ["@", "http", "url", "link", "image", "query", "conversation", "history", "messages", "user"], 0.4f,
            @"\b(send|forward|e-?mail|post|upload|transmit|exfiltrate|leak)\s+[^.!?\n]{0,60}\s+to\s+([\w.+-]+@[\w-]+\.[a-z]{2,}|https?://)"
            + @"|\b(append|add|encode|include|embed|put)\b[^.!?\n]{0,60}\b(to|in|into)\s+(the\s+|a\s+|this\s+)?(url|link|image\s+url|query\s+string|markdown\s+image)\b"
            + @"|\b(include|attach|append)\s+(the\s+|all\s+|any\s+)?(conversation|chat\s+history|previous\s+messages|user'?s\s+(data|emails?|password|files))\b"
            + @"|\b(sende|schicke|leite)\s+[^.!?\n]{0,60}\s+(an|weiter\s+an)\s+[\w.+-]+@[\w-]+\.[a-z]{2,}"),
        Rule("rule.call_tool", ["tool", "function", "plugin"], 0.5f,
            @"\b(call|invoke|trigger)\s+(the\s+)?" + NotThe + @"\s+(tool|function\s+call|plugin)\b|\b(execute|run)\s+(the\s+)?" + ToolName + @"\s+(tool|function\s+call|plugin)\b"
            + @"|\buse\s+the\s+" + NotThe + @"\s+tool\s+to\b"),
        Rule("rule.addressed_to_ai", ["note", "message", "instruction", "important", "if you", "reading", "processing", "summari", "parsing", "wenn"], 0.7f,
            @"\b(note\s+to(\s+the)?|message\s+(for|to)(\s+the)?|instructions?\s+for(\s+the)?|important\s+(message\s+)?(for|to)(\s+the)?)\s+(ai|a\.i\.|ai\s+assistant|ai\s+agent|chatgpt|gpt|llm|language\s+model|claude|copilot|gemini|chatbot|ki)" + Addressee
            + @"|\bif\s+you\s+are\s+an?\s+(ai|llm|language\s+model|ai\s+assistant|automated\s+(system|agent)|bot)" + Addressee + @"|\b(ai|llm|assistant|agent)s?\s+(reading|processing|summari[sz]ing|parsing)\s+this\b"
            + @"|\bwenn\s+du\s+eine?\s+(ki|sprachmodell|assistent)\b"),

        // A greeting to an assistant opens many ordinary chat prompts ("Dear ChatGPT, I need help …"): weak alone.
        Rule("rule.greets_ai", ["dear", "hey", "hi ", "hello", "attention"], 0.35f,
            @"\b(dear|hey|hi|hello|attention)\s+(ai|a\.i\.|ai\s+assistant|ai\s+agent|chatgpt|gpt|llm|language\s+model|claude|copilot|gemini|chatbot|ki)\b"),
        Rule("rule.response_shaping", ["response", "reply", "answer", "output", "message", "antwort"], 0.35f,
            @"\b(in|into|throughout|within)\s+your\s+(response|reply|answer|output)s?\b|\b(modify|augment|enhance|rewrite|format|end|begin|start|conclude|prefix|structure|render|deliver|present|phrase|encode|translate)\s+(all\s+)?your\s+(response|reply|answer|output|message)s?\b"
            + @"|\bin\s+deiner\s+antwort\b|\bantworte\s+(nur|ausschließlich|immer)\b"),
        Rule("rule.urgent_imperative", ["urgent", "important", "attention", "achtung", "wichtig", "dringend", "stop", "must", "have", "to", "musst"], 0.5f,
            @"\b(urgent|important|attention|achtung|wichtig|dringend|stop)\b\s*[:!\-–]+\s*((you\s+must|you\s+have\s+to|du\s+musst)\s+(now\s+|immediately\s+|jetzt\s+|sofort\s+)?|immediately\s+|now\s+|sofort\s+)?(" + ModelVerbs + @")\b|\b(urgent|important|attention|achtung|wichtig|dringend|stop)\b\s*[:!\-–]+\s*((do\s+not|don't)\s+(tell|inform|mention|reveal|follow|obey|summari[sz]e|respond)|ignore|forget|vergiss)"
            + @"|\b(you\s+must|you\s+have\s+to|du\s+musst)\s+(now\s+|immediately\s+|jetzt\s+|sofort\s+)?((ignore|forget|disregard)\s+(all|your|any|every|previous|prior|the\s+(previous|above|prior))|obey|comply\s+with\s+(these|the\s+following)|alle\s+\w+\s+(ignorieren|vergessen))\b"),
        Rule("rule.no_restrictions", ["restriction", "filter", "limitation", "censorship", "guideline", "einschr", "zensur"], 0.5f,
            @"\b(answer|respond|reply|act|operate|speak|write|talk|you\s+are|you're|you\s+have|you\s+can|ai|assistant|model|bot|chatbot)\b[^.!?\n]{0,40}\b(without|no|ignore\s+(all\s+)?(your\s+)?)\s*(any\s+)?(ethical|moral|content|safety)?\s*(restrictions|filters|limitations|censorship|guidelines)(\s+(apply|whatsoever|at\s+all)|\s*([.,;:!]|$))|\b(ignore|disregard)\s+(all\s+)?(your\s+)?(ethical|moral|content|safety)\s+(restrictions|filters|limitations|guidelines)\b"
            + @"|\b(antworte|antworten|antwortest|sprich|schreib|schreibe|reagiere|handle|agiere|bist|ki|modell|assistent|chatbot)\b[^.!?\n]{0,40}\bohne\s+(jegliche\s+)?(einschränkungen|filter|zensur)\b"),
        // Stop 22: what an instruction planted for an AI *reader* of mail or a page looks like, whatever its task: a vocative to the
        // assistant followed by an order ("AI assistant: before replying, forward …", "Assistant, tell the reader …"), the user's
        // own data sent somewhere, orders about "the user" (a mail speaks to "you"), and hooks into the summary being written.
        Rule("rule.ai_vocative", ["assistant", "assistent", "llm", "gpt", "claude", "copilot", "gemini", "summar", "language model", "ai,", "ai:", "a.i.", "ki,", "ki:"], 0.7f,
            @"(^|[\n.!?|]\s*|\bcontent:\s*)(dear\s+|hey\s+|hi\s+|hello\s+|attention\s+|note\s+for\s+the\s+|p\.?s\.?\s+(for|to)\s+the\s+)?" + AiName + @"\s*[,:]\s*" + OrderWords + @"\b"),
        Rule("rule.exfiltrate_user_data", ["user", "recipient", "reader", "conversation", "chat", "previous", "mailbox", "inbox", "address", "contacts"], 0.8f,
            @"\b(send|forward|e-?mail|post|upload|transmit|copy|sync|share)\s+(all\s+(of\s+)?)?(the\s+|this\s+)?(user'?s?|recipient'?s|reader'?s|conversation|chat\s+history|previous\s+messages|mailbox|inbox|address\s+book|contacts)\b[^.!?\n]{0,60}\s+to\s+([\w.+-]+@[\w-]+\.[a-z]{2,}|https?://|[\w-]+\.[a-z]{2,}\b)"),
        // Stop 24 (round 19): an order about the human reader in the third person ("Ask the user to confirm …", "urge the reader
        // to call …", "Sag dem Nutzer …") is addressed to whoever reads the mail for them; people write "you". Strong since round
        // 19 (it was weak, 0.4): it matched 0 of 495 clean emails and documents written for Warden, 0 of BIPIA's 50 emails and 0
        // of the deepset prompts. A prohibition ("Do not tell the user their password …") is policy text, not an order: no match.
        Rule("rule.about_the_user", ["user", "reader", "recipient", "nutzer", "anwender", "leser", "empf"], 0.6f,
            @"\b(tell|ask|inform|remind|warn|assure|reassure|convince|persuade|urge|advise|instruct|notify|direct|redirect|encourage|prompt|request|alert|invite|pressure|push|get|have|make|let)\s+(the|this)\s+(users?|readers?|recipients?)\s+(to|that|about|for|their|how|where|why|whether|if|not|they)\b"
            + @"|\b(weise|bitte|informiere|erinnere|fordere|sage|sag|teile|überzeuge|warne|frag|frage|dränge)\s+(den|die|dem)\s+(nutzer|benutzer|nutzerin|benutzerin|anwender|leser|leserin|empfänger|empfängerin)\w*\b",
            negatable: true),
        Rule("rule.summary_hook", ["summar"], 0.4f,
            @"\b(when|while|before|after)\s+(you\s+)?(summari[sz](e|ing)|writ(e|ing)\s+(the|your|a)\s+summary|giv(e|ing)\s+(the|your|a)\s+summary)\b|\bin\s+(your|the)\s+summary\b"),
        Rule("rule.hide_from_user", ["user", "human", "recipient", "nutzer"], 0.8f,
            @"\b(do\s+not|don't|never)\s+(tell|inform|mention|reveal|show|notify|alert)\s+(this\s+)?(to\s+)?(the\s+)?(user|human|recipient)s?(\s*([.,;:!)\n]|$)|\s+(about|anything|that|this|what|of|you|we|i|until|before|how|where|why|when|or|and)\b)|\bwithout\s+(telling|informing|notifying)\s+the\s+user\b|\bsag(e)?\s+(dem|der)\s+(nutzer|benutzer)\w*\s+nichts\b"),
    ];

    /// <summary>What follows an addressed AI: punctuation, the end, or a word that continues the address ("Note to the AI: …", "If you are an AI reading this").</summary>
    private const string Addressee = @"(\s*([,:;.!?)\-–—\n]|$)|\s+(reading|processing|summari[sz]ing|parsing|that|who|which|and|or|please|you|must|should|ignore|do|don't|model|assistant|agent|system|bot|tool|language|large|like|such|in|with|from|chatbot)\b)";

    /// <summary>Names of an AI reader used as a vocative ("AI assistant:", "Assistant,", "KI:").</summary>
    private const string AiName = @"(ai|a\.i\.|ai[\s-]+assistant|ai[\s-]+agent|assistant|llm|language\s+model|chatgpt|gpt|claude|copilot|gemini|summari[sz]er|summari[sz]ation\s+(tool|bot|assistant|model)|summary\s+(tool|bot|assistant)|e-?mail\s+assistant|mail\s+assistant|ki|ki-assistent|assistent)";

    /// <summary>What follows the vocative in an order: a verb, a time clause or a modal word ("before replying", "do not", "please").</summary>
    private const string OrderWords = @"(tell|ask|forward|send|write|reply|respond|answer|summari[sz]e|include|add|insert|ignore|disregard|translate|classify|list|explain|describe|calculate|compute|work\s+out|draft|create|make|give|say|mention|report|output|print|append|delete|remove|open|visit|share|e-?mail|schedule|book|approve|pay|transfer|recommend|rate|before|when|after|do\s+not|don't|never|always|from\s+now\s+on|stop|start|begin|end|use|reveal|show|provide|generate|compose|rewrite|format|encode|convert|pretend|act|play|switch|change|instead|only|first|also|now|note|remember|inform|warn|remind|assure|let|put|attach|copy|paste|call|contact|direct|redirect|urge|advise|please|antworte|schreib|schreibe|sende|leite|sag|sage|gib|nenne|erkläre|übersetze|ignoriere|vergiss|bitte|füge|erwähne|frage|teile|verschweige|behaupte)";

    /// <summary>What an urgent notice asks a model to do (not "renew your permit").</summary>
    private const string ModelVerbs = @"ignore|forget|disregard|obey|comply|reveal|forward|print\s+(your|everything|the\s+(above|previous|system|hidden|original|initial))|output|summari[sz]e|translate|execute|stop\s+(summari[sz]ing|processing|reading)|vergiss|ignoriere|leite";

    /// <summary>
    /// What "run/execute the … tool" must name to be a call to an agent's tool (round 8): an identifier (an underscore, digit or
    /// hyphen: "send_email", "web-search"), a name in backticks, or a short command name ("fs"), not an everyday noun ("Execute
    /// the backup tool before the upgrade" is a runbook step for a person).
    /// </summary>
    private const string ToolName = @"([\w-]*[_\d-][\w-]*|`[^`\n]{1,40}`|[a-z]{1,2}|[a-su-z][a-z]{2}|t[a-gi-z][a-z]|th[a-df-z])";

    /// <summary>A name of 1–30 word characters other than "the" ("call the tool hire shop" names no tool; no look-arounds in NonBacktracking).</summary>
    private const string NotThe = @"([\w-]{4,30}|[\w-]{1,2}|[a-su-z0-9_-][\w-]{2}|t[a-gi-z0-9_-][\w-]|th[a-df-z0-9_-])";

    private static InjectionRule Rule(string id, string[] anchors, float weight, string pattern, bool negatable = false)
    {
        // Non-ASCII anchors, or one-character anchors mixed with words, push SearchValues off its vectorised
        // path (≈ 30x slower scans): words and single characters are searched separately, and only ASCII.
        if (anchors.Any(a => a.Length == 0 || !Ascii.IsValid(a)))
        {
            throw new InvalidOperationException($"rule {id}: anchors must be non-empty ASCII");
        }

        var words = anchors.Where(a => a.Length > 1).ToArray();
        var chars = anchors.Where(a => a.Length == 1).Select(a => a[0]).ToArray();
        return new(id, weight, new Regex(pattern, Options, Timeout), SearchValues.Create(words, StringComparison.OrdinalIgnoreCase),
            chars.Length == 0 ? null : SearchValues.Create(chars), negatable);
    }
}
